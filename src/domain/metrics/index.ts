/** Metrics for `GET /v1/metrics`: the Prometheus text exposition and the fixed-bucket histograms behind its latency families. */
export {
  EXPOSITION_CONTENT_TYPE, escapeHelp, escapeLabelValue, formatValue, isValidLabelName, isValidMetricName, renderExposition,
  type HistogramSeries, type Labels, type MetricFamily, type ScalarSeries,
} from "./exposition";
export {
  DELIVERY_LATENCY_BOUNDS, SCHEDULE_LATENESS_BOUNDS, count, createHistogram, fromJSON, merge, observe, quantile, toSeries,
  type HistogramState,
} from "./histogram";
export { SIGNALBOX_FAMILIES, signalboxFamilies, type FamilySpec, type SignalboxFamilyName } from "./families";
