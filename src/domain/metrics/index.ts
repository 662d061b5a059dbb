/** Metrics for `GET /v1/metrics`: the Prometheus text exposition, the Signalbox families, and a tenant's figures as families. */
export { EXPOSITION_CONTENT_TYPE, renderExposition } from "./exposition";
export { tenantFamilies } from "./tenant";
