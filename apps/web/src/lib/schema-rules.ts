/**
 * The constraints a TypeBox schema of the API contract (packages/shared) carries at run time.
 * TypeBox keeps them out of the static types, so they are read here, once.
 */
export type SchemaRules = {
  pattern?: string
  minLength?: number
  maxLength?: number
  minimum?: number
  maximum?: number
}

// Every constraint is optional, so any schema object reads as SchemaRules.
export const rulesOf = (schema: object): SchemaRules => schema

/** Whether a string passes a string schema (pattern and length) as the BFF will check it. */
export function fitsString(schema: object, value: string): boolean {
  const { pattern, minLength = 0, maxLength = Infinity } = rulesOf(schema)
  const length = [...value].length
  if (length < minLength || length > maxLength) return false
  return pattern === undefined || new RegExp(pattern, 'u').test(value)
}

/** Whether a number passes an integer schema (bounds included). */
export function fitsInteger(schema: object, value: number): boolean {
  const { minimum = -Infinity, maximum = Infinity } = rulesOf(schema)
  return Number.isInteger(value) && value >= minimum && value <= maximum
}
