import { FormGroup, Radio } from '@patternfly/react-core'

export type RadioOption<T extends string> = { value: T; label: string }

/** One choice among a few, as a labelled radio group; each radio's id is `${name}-${value}`. */
export function RadioChoice<T extends string>({
  name,
  label,
  value,
  options,
  onChange,
  isInline = false,
}: {
  name: string
  label: string
  value: T
  options: readonly RadioOption<T>[]
  onChange: (value: T) => void
  isInline?: boolean
}) {
  return (
    <FormGroup
      role="radiogroup"
      label={label}
      fieldId={name}
      isInline={isInline}
      isStack={!isInline}
    >
      {options.map((option) => (
        <Radio
          key={option.value}
          id={`${name}-${option.value}`}
          name={name}
          label={option.label}
          isChecked={value === option.value}
          onChange={() => onChange(option.value)}
        />
      ))}
    </FormGroup>
  )
}
