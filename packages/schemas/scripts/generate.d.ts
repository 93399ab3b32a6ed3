// Types of scripts/generate.js, for the test that regenerates the validators in memory.
import type Ajv2020 from 'ajv/dist/2020.js';

export declare const PACKAGE_DIR: string;
export declare const SCHEMA_DIR: string;
export declare const GENERATED_DIR: string;
export declare const SCHEMA_FILES: readonly string[];
export declare const VALIDATORS: Readonly<Record<string, string>>;
export declare function readSchemas(): Promise<Record<string, unknown>[]>;
export declare function annotateKnownProperties(
  schemas: readonly Record<string, unknown>[],
): Record<string, unknown>[];
export declare function createAjv(
  schemas: readonly Record<string, unknown>[],
  options?: { standalone?: boolean },
): Ajv2020;
export declare function renderValidators(schemas: readonly Record<string, unknown>[]): string;
export declare function renderDeclarations(): string;
export declare function generateFiles(): Promise<Record<string, string>>;
