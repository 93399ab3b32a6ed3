/** The OpenWorkflow specification version this implementation follows (spec/VERSION). */
export const SPEC_VERSION = '0.1.0';
