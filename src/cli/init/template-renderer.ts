/** A placeholder without a value, or a template that cannot be read. */
export class TemplateError extends Error {
  constructor(
    readonly template: string,
    reason: string,
  ) {
    super(`template ${template}: ${reason}`);
    this.name = 'TemplateError';
  }
}

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/**
 * The whole template language: `{{name}}` is replaced by `values.name` (spaces inside the braces
 * are allowed). Nothing else is special: no loops, conditions or escapes; lists and blocks that
 * depend on the answers are prepared as text by `templateValues`. A placeholder without a value
 * is an error naming the template, so a typo never ships a literal `{{...}}`.
 *
 * @example
 *   renderTemplate('id: {{name}}', { name: 'demo-game' }, 'competition.yaml') // 'id: demo-game'
 */
export function renderTemplate(text: string, values: Readonly<Record<string, string>>, template: string): string {
  return text.replace(PLACEHOLDER, (_, key: string) => {
    if (!Object.prototype.hasOwnProperty.call(values, key)) throw new TemplateError(template, `no value for {{${key}}}`);
    return values[key];
  });
}
