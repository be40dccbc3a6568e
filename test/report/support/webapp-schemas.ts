import type { JsonSchema } from './json-schema';

/**
 * What the ecosystem's coordinator web app reads, written from its public types (facts:
 * shared/spec/webapp-contract.md), not from this project's DTOs: a response that passes these is
 * one the app can render. Objects allow extra fields (the app ignores them).
 */

const ISO = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})$';
const isoOrNull: JsonSchema = { type: ['string', 'null'], pattern: ISO };
const iso: JsonSchema = { type: 'string', pattern: ISO };
const name: JsonSchema = { type: 'string', minLength: 1 };

const format: JsonSchema = { anyOf: [{ type: 'null' }, { enum: ['percentage', 'integer', 'compact', 'number'] }, { type: 'string', pattern: '^decimal-\\d+$' }] };

export const LEADERBOARD_COLUMN: JsonSchema = {
  type: 'object',
  required: ['id', 'type', 'property', 'format', 'displayName', 'tooltip', 'nativeConfiguration', 'order'],
  properties: {
    id: { type: 'integer' },
    type: { enum: ['PROJECT', 'VALUE', 'USERNAME', 'REWARD_RANK'] },
    property: name,
    format,
    displayName: name,
    tooltip: { type: ['string', 'null'] },
    nativeConfiguration: {
      anyOf: [
        { type: 'null' },
        { type: 'object', required: ['type'], properties: { type: { const: 'model' }, statusProperty: { type: 'string' } } },
        {
          type: 'object',
          required: ['type'],
          properties: {
            type: { const: 'gauge' },
            percentage: { type: 'boolean' },
            seriesConfig: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, color: { type: 'string' }, label: { type: 'string' } } } },
          },
        },
      ],
    },
    order: { type: 'integer' },
  },
};

const LINE_CHART: JsonSchema = {
  type: 'object',
  required: ['type', 'xAxis', 'yAxis'],
  properties: {
    type: { const: 'line' },
    xAxis: { type: 'object', required: ['name'], properties: { name } },
    yAxis: {
      type: 'object',
      required: ['series'],
      properties: { series: { type: 'array', minItems: 1, items: { type: 'object', required: ['name'], properties: { name, label: { type: 'string' } } } }, format },
    },
    displayEvolution: { type: 'boolean' },
    filterConfig: {
      type: 'array',
      items: { type: 'object', required: ['type', 'label', 'property'], properties: { type: { const: 'select' }, label: { type: 'string' }, property: name, autoSelectFirst: { type: 'boolean' } } },
    },
    groupByProperty: name,
    alertConfig: { type: 'object', required: ['reasonField', 'field'], properties: { reasonField: name, field: name } },
  },
};

export const WIDGET: JsonSchema = {
  type: 'object',
  required: ['id', 'type', 'displayName', 'order', 'endpointUrl'],
  properties: {
    id: { type: 'integer' },
    type: { enum: ['CHART', 'IFRAME'] },
    displayName: { type: 'string' },
    tooltip: { type: ['string', 'null'] },
    order: { type: 'number' },
    endpointUrl: name,
    nativeConfiguration: { anyOf: [LINE_CHART, { type: 'object', required: ['type'], properties: { type: { type: 'string' } } }] },
  },
};

export const REPORT_SCHEMA: JsonSchema = {
  type: 'object',
  properties: {
    schema_version: { type: 'string' },
    leaderboard_columns: { type: 'array', items: LEADERBOARD_COLUMN },
    metrics_widgets: { type: 'array', items: WIDGET },
  },
};

export const MODELS: JsonSchema = {
  type: 'array',
  items: {
    type: 'object',
    required: ['model_id', 'model_name', 'cruncher_name', 'cruncher_id', 'deployment_id'],
    properties: { model_id: { type: 'string' }, model_name: { type: 'string' }, cruncher_name: { type: 'string' }, cruncher_id: { type: 'string' }, deployment_id: { type: 'string' } },
  },
};

/** A chart body: a plain array of objects; each widget adds the fields its configuration names. */
export const CHART_ROWS: JsonSchema = { type: 'array', items: { type: 'object' } };

export const FEEDS: JsonSchema = {
  type: 'array',
  items: {
    type: 'object',
    required: ['source', 'subject', 'kind', 'granularity', 'record_count', 'oldest_ts', 'newest_ts', 'watermark_ts', 'watermark_updated_at'],
    properties: {
      source: { type: 'string' },
      subject: { type: 'string' },
      kind: { type: 'string' },
      granularity: { type: 'string' },
      record_count: { type: 'integer', minimum: 0 },
      oldest_ts: isoOrNull,
      newest_ts: isoOrNull,
      watermark_ts: isoOrNull,
      watermark_updated_at: isoOrNull,
    },
  },
};

export const FEED_TAIL: JsonSchema = {
  type: 'array',
  items: {
    type: 'object',
    required: ['source', 'subject', 'kind', 'granularity', 'ts_event', 'ts_ingested', 'values', 'meta'],
    properties: {
      source: { type: 'string' },
      subject: { type: 'string' },
      kind: { type: 'string' },
      granularity: { type: 'string' },
      ts_event: iso,
      ts_ingested: iso,
      values: { type: 'object' },
      meta: { type: 'object' },
    },
  },
};
