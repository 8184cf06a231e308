/**
 * What the exception filter answered a failed request with, kept on the request so the
 * provisioning log can record it without re-deriving it: status, scimType, stable code, message.
 */
export interface FailureNote {
  status: number;
  scimType: string | null;
  code: string;
  message: string;
}

const FAILURE = Symbol('failureNote');
type Noted = { [FAILURE]?: FailureNote };

export function noteFailure(request: object, failure: FailureNote): void {
  (request as Noted)[FAILURE] = failure;
}

export const failureOf = (request: object): FailureNote | undefined => (request as Noted)[FAILURE];
