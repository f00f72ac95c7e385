// The web app's import zones, enforced by lint: imports only point down.
//
//   app/          composes the features (routes, and one feature's component shown inside another)
//   features/X/   one feature; never reaches into another feature
//   components/   shared UI; knows no feature
//   lib/          shared logic; knows no UI
//
// Relative specifiers are matched by how far they climb: a file N folders below `features/X/`
// that climbs N + 1 levels has left its feature and is entering a sibling.

const src = 'apps/web/src'
const code = '{ts,tsx}'
const relative = String.raw`^\.\.?/(?:.*/)?`

/** `no-restricted-imports` for static imports, `no-restricted-syntax` for `import()`. */
function forbid(files, rules) {
  const patterns = rules.map(([regex, message]) => ({ regex, message }))
  const selectors = rules.map(([regex, message]) => ({
    selector: `ImportExpression > Literal[value=/${regex.replaceAll('/', '\\/')}/]`,
    message,
  }))
  return {
    files,
    rules: {
      'no-restricted-imports': ['error', { patterns }],
      'no-restricted-syntax': ['error', ...selectors, noGlob],
    },
  }
}

// `import.meta.glob` would let any folder load any other one, unseen by the rules above.
const noGlob = {
  selector: "MemberExpression[object.type='MetaProperty'][property.name='glob']",
  message: 'load other code with lazy(() => import(…)) from app/, not import.meta.glob',
}

const notApp = [`${relative}app/`, 'only main.tsx imports app/']
const notFeatures = (who) => [
  `${relative}features/`,
  `${who} must not import features; app/ composes them`,
]

export function webImportZones() {
  // Folders nest at most six deep inside a feature (three today).
  const featureDepths = [0, 1, 2, 3, 4, 5, 6].map((depth) => {
    const up = `(?:\\.\\./){${depth + 1}}`
    return forbid(
      [`${src}/features/*/${'*/'.repeat(depth)}*.${code}`],
      [
        [
          `^${up}(?!\\.\\./)`,
          'features must not import each other; app/ composes them (pass components as props)',
        ],
        [`^${up}\\.\\./(?:features|app)/`, 'features must not import app/ or other features'],
      ],
    )
  })
  return [
    forbid(
      [`${src}/lib/**/*.${code}`],
      [
        notApp,
        notFeatures('lib/'),
        [`${relative}components/`, 'lib/ holds logic only; it must not import components/'],
      ],
    ),
    forbid(
      [`${src}/components/**/*.${code}`, `${src}/testing/**/*.${code}`],
      [notApp, notFeatures('components/ and testing/')],
    ),
    ...featureDepths,
  ]
}
