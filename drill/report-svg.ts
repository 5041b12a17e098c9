export const timelineSvg = (_r: unknown) => "";
