/**
 * The UI server's own `GET /api/v1/settings`, in the PascalCase shape temporalio/ui's server
 * answers (server/server/api/handler.go SettingsResponse). `Version` is the UI's: from 2.23 on
 * the UI encodes path parameters once (older versions twice).
 */
export const UI_VERSION = '2.38.0';

export interface UiSettingsOptions {
  defaultNamespace: string;
  /** Batch operations are not served by the local service. */
  batchActionsDisabled?: boolean;
}

export function uiSettings(options: UiSettingsOptions): Record<string, unknown> {
  return {
    Auth: { Enabled: false, Options: [] },
    BannerText: '',
    DefaultNamespace: options.defaultNamespace,
    ShowTemporalSystemNamespace: false,
    FeedbackURL: '',
    NotifyOnNewVersion: false,
    Codec: { Endpoint: '', PassAccessToken: false, IncludeCredentials: false, DefaultErrorMessage: '', DefaultErrorLink: '' },
    Version: UI_VERSION,
    DisableWriteActions: false,
    WorkflowTerminateDisabled: false,
    WorkflowCancelDisabled: false,
    WorkflowSignalDisabled: false,
    WorkflowUpdateDisabled: false,
    WorkflowResetDisabled: true,
    BatchActionsDisabled: options.batchActionsDisabled ?? true,
    StartWorkflowDisabled: false,
    HideWorkflowQueryErrors: false,
    RefreshWorkflowCountsDisabled: false,
  };
}
