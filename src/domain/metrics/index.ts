/** Metrics for `GET /v1/metrics`: the Prometheus text exposition, the Signalbox families, and a tenant's figures as families. */
export {
  EXPOSITION_CONTENT_TYPE, escapeHelp, escapeLabelValue, formatValue, isValidLabelName, isValidMetricName, renderExposition,
  type HistogramSeries, type Labels, type MetricFamily, type ScalarSeries,
} from "./exposition";
export { SIGNALBOX_FAMILIES, signalboxFamilies, type FamilySpec, type SignalboxFamilyName } from "./families";
export { tenantFamilies, type TriggerFigures } from "./tenant";
