/**
 * The Radar database's tables (seed 004: 80+ tables) as streams: name, primary
 * key and whether a failure aborts the run. Columns are discovered from the
 * source, as Airbyte's catalogue does. Pure data: workflows import it.
 */
import { RADAR_CRITICAL_TABLES, type StreamSpec } from './pipelines';

const TABLES: [name: string, primaryKey: string][] = [
  // pharmacies and stores
  ['store', 'Id'], ['store_metrics', 'Id'], ['brand_metrics_average', 'Id'], ['economic_group', 'Id'],
  ['store_address', 'Id'], ['store_contact', 'Id'], ['store_status_history', 'Id'], ['store_bank_account', 'Id'],
  ['store_user', 'Id'], ['store_group', 'Id'], ['store_document', 'Id'], ['store_document_history', 'Id'],
  ['store_kpi', 'Id'], ['store_sales_daily', 'Id'], ['store_sales_monthly', 'Id'], ['brand', 'Id'],
  ['business_model', 'Id'], ['tax_regime', 'Id'],
  // users and access
  ['user', 'Id'], ['user_access', 'Id_User'], ['role', 'Id'], ['permission', 'Id'], ['role_permission', 'Id'],
  ['user_permission', 'Id'], ['login', 'Id_User'], ['user_role', 'Id'], ['user_device', 'Id'], ['push_token', 'Id'],
  ['audit_log', 'Id'], ['password_reset', 'Id'],
  // products and PBM
  ['product', 'Id'], ['product_pbm', 'Id'], ['product_export', 'Id'], ['product_category', 'Id'],
  ['product_manufacturer', 'Id'], ['product_price', 'Id'], ['product_stock', 'Id'], ['product_ean', 'Id'],
  ['pbm_program', 'Id'], ['pbm_partner', 'Id'],
  // campaigns and gamification
  ['objectives', 'Id'], ['objective_store', 'Id'], ['objective_progress', 'Id'], ['contest', 'Id'],
  ['contest_score', 'Id'], ['contest_store', 'Id'], ['contest_rule', 'Id'], ['contest_prize', 'Id'],
  ['vouchers', 'Id'], ['voucher_usage', 'Id'], ['reward', 'Id'], ['reward_redemption', 'Id'],
  ['campaign', 'Id'], ['campaign_store', 'Id'], ['campaign_product', 'Id'],
  // documents and compliance
  ['document_request', 'Id'], ['document_template', 'Id'], ['document_type', 'Id'], ['legal_terms', 'Id'],
  ['legal_terms_users', 'Id'],
  // distributors and orders
  ['distributor', 'Id'], ['distributor_user', 'Id'], ['distributor_store', 'Id'], ['distributor_product', 'Id'],
  ['purchase_order', 'Id'], ['purchase_order_item', 'Id'], ['order_status', 'Id'],
  // navigation, content and communication
  ['menu', 'Id'], ['menu_area', 'Id'], ['lives', 'Id'], ['live_attendance', 'Id'], ['live_question', 'Id'],
  ['notification', 'Id'], ['notification_user', 'Id'], ['banner', 'Id'], ['news', 'Id'], ['news_read', 'Id'],
  ['faq', 'Id'], ['survey', 'Id'], ['survey_question', 'Id'], ['survey_answer', 'Id'], ['training', 'Id'],
  ['training_user', 'Id'],
  // geography and platform
  ['city', 'Id'], ['state', 'Id'], ['region', 'Id'], ['feature_flag', 'Id'], ['app_version', 'Id'],
  ['email_log', 'Id'], ['sms_log', 'Id'], ['integration_log', 'Id'], ['import_job', 'Id'], ['settings', 'Id'],
];

const critical = new Set<string>(RADAR_CRITICAL_TABLES);

export const RADAR_STREAMS: StreamSpec[] = TABLES.map(([name, primaryKey]) => ({
  name,
  primaryKey,
  columns: [],
  critical: critical.has(name),
}));

export const RADAR_TABLE_NAMES: string[] = RADAR_STREAMS.map((s) => s.name);
