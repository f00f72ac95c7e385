import { HttpError, httpError, withDetail } from '../kube/http-error.ts'

/** An access review's answer; a review that could not be made is a 503, never a 500. */
export async function reviewed<T>(promise: Promise<T>): Promise<T> {
  try {
    return await promise
  } catch (err) {
    if (err instanceof HttpError) throw err
    // The cause stays in the log: upstream error text can name internal hosts and addresses.
    throw withDetail(
      httpError(
        503,
        'The cluster could not check your access right now; try again.',
        'CLUSTER_UNAVAILABLE',
      ),
      (err as Error).message,
    )
  }
}

/** Whether an access review allowed it; a review that could not be made is a 503. */
export const decide = async (promise: Promise<{ allowed: boolean }>): Promise<boolean> =>
  (await reviewed(promise)).allowed
