/** The part of logic-solver (MiniSat compiled to JavaScript, synchronous) the semantic diff uses. */
declare module 'logic-solver' {
  namespace Logic {
    type Formula = string | object;
    class Solver {
      require(...f: Formula[]): void;
      forbid(...f: Formula[]): void;
      solve(): Solution | null;
      solveAssuming(f: Formula): Solution | null;
    }
    interface Solution {
      getTrueVars(): string[];
      evaluate(f: Formula): boolean;
    }
    const TRUE: Formula;
    const FALSE: Formula;
    function not(f: Formula): Formula;
    function or(...f: (Formula | Formula[])[]): Formula;
    function and(...f: (Formula | Formula[])[]): Formula;
    function implies(a: Formula, b: Formula): Formula;
    function exactlyOne(...f: (Formula | Formula[])[]): Formula;
  }
  export = Logic;
}
