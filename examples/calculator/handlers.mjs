/**
 * The calculator connector's `function` handlers in plain JavaScript (the spec's calculator example
 * implements them in Python). A failure throws an error whose `code` the SDK keeps in
 * `details.connector_code`, as the spec's `VALUE_ERROR` example shows.
 */

function valueError(message) {
  return Object.assign(new Error(message), { name: 'ValueError', code: 'VALUE_ERROR' });
}

/** Handlers by the names the connector's actions declare (`handler: { function: ... }`). */
export const calculatorHandlers = {
  'calculator.add': ({ a, b }) => ({ result: a + b }),
  'calculator.subtract': ({ a, b }) => ({ result: a - b }),
  'calculator.multiply': ({ a, b }) => ({ result: a * b }),
  'calculator.divide': ({ a, b }) => {
    if (b === 0) throw valueError('Cannot divide by zero');
    return { result: a / b };
  },
  'calculator.power': ({ base, exponent }) => ({ result: base ** exponent }),
  'calculator.sqrt': ({ value }) => {
    if (value < 0) throw valueError('Cannot take the square root of a negative number');
    return { result: Math.sqrt(value) };
  },
  'calculator.percentage': ({ value, percent }) => ({ result: (value * percent) / 100 }),
};
