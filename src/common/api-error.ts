import { HttpException, HttpStatus } from '@nestjs/common';

/** The one error body of the HTTP API and of socket acknowledgements. */
export interface ErrorBody {
  code: number;
  message: string;
  /** On 400 only: one line per offending field. */
  errors?: string[];
}

/** An error whose body is sent to the client exactly as given. */
export class ApiError extends HttpException {
  constructor(status: number, message: string, errors?: string[]) {
    const body: ErrorBody = errors && errors.length > 0 ? { code: status, message, errors } : { code: status, message };
    super(body, status);
  }

  get body(): ErrorBody {
    return this.getResponse() as ErrorBody;
  }
}

export const INVALID_BODY = 'invalid body';
export const INVALID_KEY = 'invalid key';
export const USER_NOT_FOUND = 'user not found';

export const invalidBody = (errors?: string[]) => new ApiError(HttpStatus.BAD_REQUEST, INVALID_BODY, errors);
export const invalidKey = () => new ApiError(HttpStatus.UNAUTHORIZED, INVALID_KEY);
export const userNotFound = () => new ApiError(HttpStatus.NOT_FOUND, USER_NOT_FOUND);
export const payloadTooLarge = (limit: string) => new ApiError(HttpStatus.PAYLOAD_TOO_LARGE, `request body is larger than ${limit}`);

/**
 * Converts any thrown value into the error body, so that HTTP responses and socket
 * acknowledgements share codes and messages. Unknown errors become a bare 500.
 */
export function toErrorBody(error: unknown): ErrorBody {
  if (error instanceof ApiError) {
    return error.body;
  }

  if (error instanceof HttpException) {
    const status = error.getStatus();
    const response = error.getResponse();
    const message = typeof response === 'string' ? response : ((response as { message?: unknown }).message ?? error.message);
    return { code: status, message: Array.isArray(message) ? message.join('; ') : String(message) };
  }

  return { code: HttpStatus.INTERNAL_SERVER_ERROR, message: 'internal server error' };
}
