import { DomainError } from '@passerelle/common';

/** The code of the DomainError `f` throws (failing the test on any other error), or undefined if it returns. */
export const codeOf = (f: () => unknown): string | undefined => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    return (e as DomainError).code;
  }
  return undefined;
};
