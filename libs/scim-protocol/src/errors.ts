import { ERROR_URN } from './messages';

/** RFC 7644 §3.12 `scimType` values a 400 may carry. */
export type ScimType =
  | 'invalidFilter'
  | 'tooMany'
  | 'uniqueness'
  | 'mutability'
  | 'invalidSyntax'
  | 'invalidPath'
  | 'noTarget'
  | 'invalidValue'
  | 'invalidVers'
  | 'sensitive'
  // RFC 9865 §2.3
  | 'invalidCursor'
  | 'expiredCursor';

/**
 * The only error this library throws on bad input. The SCIM exception filter renders it
 * with `scimErrorBody`; `detail` is written for the person reading Entra's provisioning log.
 */
export class ScimError extends Error {
  override readonly name = 'ScimError';

  constructor(
    readonly status: number,
    readonly scimType: ScimType | undefined,
    readonly detail: string,
  ) {
    super(detail);
  }

  static invalidFilter(detail: string): ScimError {
    return new ScimError(400, 'invalidFilter', detail);
  }

  static invalidCursor(detail: string): ScimError {
    return new ScimError(400, 'invalidCursor', detail);
  }

  static invalidPath(detail: string): ScimError {
    return new ScimError(400, 'invalidPath', detail);
  }

  static invalidValue(detail: string): ScimError {
    return new ScimError(400, 'invalidValue', detail);
  }

  static invalidSyntax(detail: string): ScimError {
    return new ScimError(400, 'invalidSyntax', detail);
  }

  static mutability(detail: string): ScimError {
    return new ScimError(400, 'mutability', detail);
  }

  static noTarget(detail: string): ScimError {
    return new ScimError(400, 'noTarget', detail);
  }
}

export function isScimError(err: unknown): err is ScimError {
  return err instanceof ScimError;
}

/** RFC 7644 §3.12 error response. */
export interface ScimErrorBody {
  schemas: [typeof ERROR_URN];
  /** A string, not a number: RFC 7644 §3.12 and Entra's parser both expect "400". */
  status: string;
  scimType?: ScimType;
  detail: string;
}

export function scimErrorBody(err: Pick<ScimError, 'status' | 'scimType' | 'detail'>): ScimErrorBody {
  const body: ScimErrorBody = { schemas: [ERROR_URN], status: String(err.status), detail: err.detail };
  if (err.scimType !== undefined) body.scimType = err.scimType;
  return body;
}
