import { z } from 'zod';

/** A JSON Schema (2020-12, as OpenAPI 3.1 uses it) or a part of one. */
export type JsonSchema = { [keyword: string]: unknown };

/** Requests are documented as what a client may send, answers as what the service sends. */
export type Direction = 'input' | 'output';

const COMPONENT_PREFIX = '#/components/schemas/';

/**
 * The schemas of the document, each under the one name its `.meta({ id })` gives it.
 *
 * fastify-type-provider-zod names every registered schema twice, `X` for answers and `XInput`
 * for requests, whether or not the two differ and whether or not both are used. Here a schema
 * is emitted once, in the direction it is used in: a request schema as input (defaults
 * optional), an answer schema as output (defaults present). A schema used both ways (the
 * canonical plan: pushed and read back) is emitted as input, the wider of the two: every answer
 * is a plan the service would accept again. Only schemas some operation reaches are emitted.
 */
export class SchemaComponents {
  /** The JSON of each id per direction it was reached in. */
  private readonly forms = new Map<string, Partial<Record<Direction, JsonSchema>>>();

  constructor(private readonly registry: z.core.$ZodRegistry<{ id?: string }> = z.globalRegistry) {}

  /** JSON Schema of a route's part; every registered schema in it becomes a `$ref` to its component. */
  toJson(schema: z.ZodType, direction: Direction): JsonSchema {
    const {
      $schema: _,
      $defs,
      ...json
    } = z.toJSONSchema(schema, {
      io: direction,
      target: 'draft-2020-12',
      metadata: this.registry,
      // Transforms and custom checks have no JSON Schema; they are documented by their description.
      unrepresentable: 'any',
    }) as JsonSchema & { $defs?: Record<string, JsonSchema> };
    for (const [id, definition] of Object.entries($defs ?? {})) {
      const forms = this.forms.get(id) ?? {};
      forms[direction] = withComponentRefs(definition);
      this.forms.set(id, forms);
    }
    return withComponentRefs(json);
  }

  /** `components.schemas`: every schema reached so far, once, in name order. */
  components(): Record<string, JsonSchema> {
    const ids = [...this.forms.keys()].sort();
    return Object.fromEntries(
      ids.map((id) => {
        const { input, output } = this.forms.get(id) ?? {};
        return [id, (input ?? output) as JsonSchema];
      }),
    );
  }
}

/** zod names nested registered schemas `#/$defs/X`; in the document they are components. */
function withComponentRefs(json: JsonSchema): JsonSchema {
  return JSON.parse(JSON.stringify(json), (key, value) =>
    key === '$ref' && typeof value === 'string' && value.startsWith('#/$defs/')
      ? `${COMPONENT_PREFIX}${value.slice('#/$defs/'.length)}`
      : value,
  ) as JsonSchema;
}
