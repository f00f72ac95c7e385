/** An error carrying the HTTP status and machine code the error handler turns into ApiErrorBody. */
export class HttpError extends Error {
  readonly statusCode: number
  readonly code: string | undefined

  constructor(statusCode: number, message: string, code?: string) {
    super(message)
    this.statusCode = statusCode
    this.code = code
  }
}

export const httpError = (statusCode: number, message: string, code?: string) =>
  new HttpError(statusCode, message, code)
