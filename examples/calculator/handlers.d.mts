export declare const calculatorHandlers: Readonly<
  Record<string, (input: never) => { result: number } | Promise<{ result: number }>>
>;
