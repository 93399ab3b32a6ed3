/**
 * The calculator handlers in TypeScript, registered with the SDK's `@action` decorator (TC39
 * standard decorators, compiled by `tsc`). Importing this module registers them in the shared
 * handler registry that every `OpenWorkflow` consults; `pnpm build` compiles it to dist/.
 */
import { action, OpenWorkflowError } from '@openworkflow/sdk';

interface Operands {
  readonly a: number;
  readonly b: number;
}

interface Result {
  readonly result: number;
}

function valueError(message: string): OpenWorkflowError {
  // A VALIDATION error: the input was well-formed but mathematically invalid.
  return new OpenWorkflowError('VALIDATION', message, { details: { connector_code: 'VALUE_ERROR' } });
}

// biome-ignore lint/complexity/noStaticOnlyClass: standard decorators apply to class members; static methods register when the class is defined
export class Calculator {
  @action('calculator.add')
  static add({ a, b }: Operands): Result {
    return { result: a + b };
  }

  @action('calculator.subtract')
  static subtract({ a, b }: Operands): Result {
    return { result: a - b };
  }

  @action('calculator.multiply')
  static multiply({ a, b }: Operands): Result {
    return { result: a * b };
  }

  @action('calculator.divide')
  static divide({ a, b }: Operands): Result {
    if (b === 0) throw valueError('Cannot divide by zero');
    return { result: a / b };
  }

  @action('calculator.power')
  static power({ base, exponent }: { base: number; exponent: number }): Result {
    return { result: base ** exponent };
  }

  @action('calculator.sqrt')
  static sqrt({ value }: { value: number }): Result {
    if (value < 0) throw valueError('Cannot take the square root of a negative number');
    return { result: Math.sqrt(value) };
  }

  @action('calculator.percentage')
  static percentage({ value, percent }: { value: number; percent: number }): Result {
    return { result: (value * percent) / 100 };
  }
}
