// RFC 7643 §7 schema representation. These objects are served as-is by GET /Schemas, so
// optional characteristics are omitted rather than set to null (Entra rejects nulls).

export type AttributeType = 'string' | 'boolean' | 'decimal' | 'integer' | 'dateTime' | 'binary' | 'reference' | 'complex';

export type Mutability = 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';
export type Returned = 'always' | 'never' | 'default' | 'request';
export type Uniqueness = 'none' | 'server' | 'global';

export interface SchemaAttribute {
  readonly name: string;
  readonly type: AttributeType;
  readonly multiValued: boolean;
  readonly description: string;
  readonly required: boolean;
  /** Present on every non-complex attribute. */
  readonly caseExact?: boolean;
  readonly mutability: Mutability;
  readonly returned: Returned;
  readonly uniqueness: Uniqueness;
  readonly subAttributes?: readonly SchemaAttribute[];
  readonly canonicalValues?: readonly string[];
  readonly referenceTypes?: readonly string[];
}

export interface Schema {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly attributes: readonly SchemaAttribute[];
}

/** A resource type: its core schema plus the extensions this server accepts for it. */
export interface ResourceSchema {
  readonly name: 'User' | 'Group';
  readonly core: Schema;
  readonly extensions: readonly Schema[];
  /**
   * Schema URNs a known client puts in `schemas` that describe nothing this server stores
   * (Entra's legacy `…/ADSCIM/2.0/Group`): accepted there and ignored. Any other URN is a 400.
   */
  readonly toleratedSchemas?: readonly string[];
}

type AttributeOptions = Partial<Omit<SchemaAttribute, 'name' | 'type' | 'description'>>;

/** Builds an attribute with RFC 7643 §2.2 defaults, so the definitions below list only what differs. */
export function defineAttribute(name: string, type: AttributeType, description: string, options: AttributeOptions = {}): SchemaAttribute {
  // Keys in RFC 7643 §8.7.1 order, so /Schemas reads like the RFC.
  return {
    name,
    type,
    multiValued: options.multiValued ?? false,
    description,
    required: options.required ?? false,
    ...(type === 'complex' ? {} : { caseExact: options.caseExact ?? false }),
    ...(options.canonicalValues ? { canonicalValues: options.canonicalValues } : {}),
    mutability: options.mutability ?? 'readWrite',
    returned: options.returned ?? 'default',
    uniqueness: options.uniqueness ?? 'none',
    ...(type === 'reference' ? { referenceTypes: options.referenceTypes ?? ['external'] } : {}),
    ...(options.subAttributes ? { subAttributes: options.subAttributes } : {}),
  };
}

/** Schemas are shared module-level data; freezing stops one caller from changing them for all. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
