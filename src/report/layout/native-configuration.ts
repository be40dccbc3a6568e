import { registerDecorator, ValidationOptions } from 'class-validator';

/**
 * What the web app needs of a `nativeConfiguration` to render it. Each check returns the first
 * problem as text (naming the nested key), or undefined when the value is usable.
 *
 * @example
 *   chartConfigurationProblem({ type: 'line', xAxis: {}, yAxis: { series: [] } }) // 'xAxis.name must be a non-empty string'
 */
export function chartConfigurationProblem(value: unknown): string | undefined {
  if (!isRecord(value)) return 'must be an object';
  if (typeof value.type !== 'string' || !/^[a-z][a-z-]{0,31}$/.test(value.type)) return 'type must be a chart type such as line';
  if (value.type !== 'line') return undefined;
  if (!isRecord(value.xAxis) || !isName(value.xAxis.name)) return 'xAxis.name must be a non-empty string';
  if (!isRecord(value.yAxis) || !Array.isArray(value.yAxis.series) || value.yAxis.series.length === 0) return 'yAxis.series must be a non-empty list';
  const badSeries = value.yAxis.series.findIndex((s) => !isRecord(s) || !isName(s.name) || (s.label !== undefined && typeof s.label !== 'string'));
  if (badSeries !== -1) return `yAxis.series[${badSeries}] must be {name, label?} with a non-empty name`;
  if (value.filterConfig !== undefined) {
    if (!Array.isArray(value.filterConfig)) return 'filterConfig must be a list';
    const bad = value.filterConfig.findIndex((f) => !isRecord(f) || f.type !== 'select' || !isName(f.property) || typeof f.label !== 'string');
    if (bad !== -1) return `filterConfig[${bad}] must be {type: "select", label, property, autoSelectFirst?}`;
  }
  if (value.groupByProperty !== undefined && !isName(value.groupByProperty)) return 'groupByProperty must be a non-empty string';
  if (value.alertConfig !== undefined && (!isRecord(value.alertConfig) || !isName(value.alertConfig.field) || !isName(value.alertConfig.reasonField))) {
    return 'alertConfig must be {field, reasonField}';
  }
  return undefined;
}

/** `{type: "model", statusProperty?}` or `{type: "gauge", percentage?, seriesConfig?}` (null is checked by the caller). */
export function columnConfigurationProblem(value: unknown): string | undefined {
  if (value === null) return undefined;
  if (!isRecord(value)) return 'must be an object or null';
  if (value.type === 'model') return value.statusProperty === undefined || isName(value.statusProperty) ? undefined : 'statusProperty must be a non-empty string';
  if (value.type !== 'gauge') return 'type must be "model" or "gauge"';
  if (value.percentage !== undefined && typeof value.percentage !== 'boolean') return 'percentage must be true or false';
  if (value.seriesConfig !== undefined) {
    if (!Array.isArray(value.seriesConfig)) return 'seriesConfig must be a list';
    const bad = value.seriesConfig.findIndex((s) => !isRecord(s) || ['name', 'color', 'label'].some((k) => s[k] !== undefined && typeof s[k] !== 'string'));
    if (bad !== -1) return `seriesConfig[${bad}] must be {name?, color?, label?} of strings`;
  }
  return undefined;
}

export function IsChartConfiguration(options?: ValidationOptions): PropertyDecorator {
  return configurationRule('isChartConfiguration', chartConfigurationProblem, options);
}

export function IsColumnConfiguration(options?: ValidationOptions): PropertyDecorator {
  return configurationRule('isColumnConfiguration', columnConfigurationProblem, options);
}

function configurationRule(name: string, problem: (value: unknown) => string | undefined, options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name,
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message: (args) => `${args.property} ${problem(args.value) ?? 'is invalid'}`, ...options },
      validator: { validate: (value: unknown) => problem(value) === undefined },
    });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isName(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= 200;
}
