import { DefinitionReader } from './definition-reader';
import { ReportColumnDefinition, ReportColumnType, ReportLayoutDefinition, ReportWidgetDefinition, ReportWidgetType } from './competition.types';

const COLUMN_TYPES: readonly ReportColumnType[] = ['PROJECT', 'VALUE', 'USERNAME', 'REWARD_RANK'];
const WIDGET_TYPES: readonly ReportWidgetType[] = ['CHART', 'IFRAME'];
/** The web app's number formats: `decimal-N` keeps N digits. */
export const COLUMN_FORMAT = /^(percentage|integer|compact|number|decimal-\d{1,2})$/;
const PROPERTY = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;
/** A route of this API (`/reports/...`) or, for an IFRAME, an http(s) page. */
const ENDPOINT_URL = /^(\/[A-Za-z0-9_\-./]{0,200}|https?:\/\/[^\s]{1,2000})$/;

/**
 * Reads the optional `report` section of a competition file (see ReportLayoutDefinition).
 * Errors name the key, e.g. `report.columns[1].format: "decimal" is not valid`.
 */
export function readReportLayout(r: DefinitionReader): ReportLayoutDefinition {
  if (!r.isPresent()) return { columns: [], widgets: [] };
  r.onlyKeys(['columns', 'widgets']);
  const columns = r.key('columns').isPresent() ? r.key('columns').items().map(readColumn) : [];
  const widgets = r.key('widgets').isPresent() ? r.key('widgets').items().map(readWidget) : [];
  unique(r.key('columns'), columns.map((c) => c.property), 'property');
  unique(r.key('widgets'), widgets.map((w) => w.endpointUrl), 'endpointUrl');
  return { columns, widgets };
}

function readColumn(r: DefinitionReader): ReportColumnDefinition {
  r.onlyKeys(['property', 'type', 'format', 'displayName', 'tooltip', 'nativeConfiguration', 'order']);
  const column: ReportColumnDefinition = { property: r.key('property').string({ pattern: PROPERTY, hint: 'a leaderboard row field such as score_anchor' }) };
  const given = (key: string) => Object.prototype.hasOwnProperty.call(r.object(), key);
  if (given('type')) column.type = r.key('type').oneOf(COLUMN_TYPES);
  if (given('format')) column.format = r.key('format').isPresent() ? r.key('format').string({ pattern: COLUMN_FORMAT, hint: 'percentage, integer, compact, number or decimal-N' }) : null;
  if (given('displayName')) column.displayName = nonEmpty(r.key('displayName'));
  if (given('tooltip')) column.tooltip = r.key('tooltip').isPresent() ? r.key('tooltip').string() : null;
  if (given('nativeConfiguration')) column.nativeConfiguration = r.key('nativeConfiguration').isPresent() ? nativeConfiguration(r.key('nativeConfiguration')) : null;
  if (given('order')) column.order = r.key('order').number({ integer: true, min: -1000, max: 100_000 });
  return column;
}

function readWidget(r: DefinitionReader): ReportWidgetDefinition {
  r.onlyKeys(['endpointUrl', 'type', 'displayName', 'tooltip', 'order', 'nativeConfiguration']);
  const widget: ReportWidgetDefinition = { endpointUrl: r.key('endpointUrl').string({ pattern: ENDPOINT_URL, hint: 'a route such as /reports/models/global, or an http(s) URL for an IFRAME' }) };
  const given = (key: string) => Object.prototype.hasOwnProperty.call(r.object(), key);
  if (given('type')) widget.type = r.key('type').oneOf(WIDGET_TYPES);
  if (given('displayName')) widget.displayName = nonEmpty(r.key('displayName'));
  if (given('tooltip')) widget.tooltip = r.key('tooltip').isPresent() ? r.key('tooltip').string() : null;
  if (given('order')) widget.order = r.key('order').number({ integer: true, min: -1000, max: 100_000 });
  if (given('nativeConfiguration')) widget.nativeConfiguration = nativeConfiguration(r.key('nativeConfiguration'));
  return widget;
}

/**
 * A `nativeConfiguration` is the web app's, and a widget's may be partial (merged over a derived
 * widget's): the report checks that the result can be rendered when it builds the schema.
 */
function nativeConfiguration(r: DefinitionReader): Record<string, unknown> {
  const config = r.options();
  if (r.key('type').isPresent()) r.key('type').string({ pattern: /^[a-z][a-z-]{0,31}$/, hint: 'a chart type such as line' });
  return config;
}

function nonEmpty(r: DefinitionReader): string {
  const text = r.string();
  if (text.trim() === '') r.problem('must not be empty');
  return text;
}

function unique(list: DefinitionReader, keys: string[], name: string): void {
  keys.forEach((key, i) => {
    if (keys.indexOf(key) !== i) list.items()[i].key(name).problem(`"${key}" appears twice`);
  });
}
