import { isUserPath, lineNumber, type SourceLocation } from './log-lines.js';

// `at com.example.shop.Cart.lambda$quantityOf$1(Cart.java:23)`, `at java.base/java.lang.Thread.run(Thread.java:833)`
const javaFrame = /^\s*at (?:[\w.-]+\/)*((?:[\w$]+\.)*)[\w$]+\.[\w$<>]+\(([\w$]+\.(?:java|kt|scala|groovy)):(\d+)\)\s*$/;
const libraryPackage =
  /^(java|javax|jdk|sun|com\.sun|kotlin|scala|groovy|org\.junit|junit|org\.testng|org\.apache\.maven|org\.gradle|org\.hamcrest|org\.assertj|org\.mockito|org\.opentest4j|org\.springframework)\./;

/** Test classes by Maven Surefire's default includes (`*Test`, `Test*`, `*Tests`, `*TestCase`, `*IT`). */
const isTestClass = (className: string) => /^Test|(Test|Tests|TestCase|IT)$/.test(className);

/**
 * The repository path of a JVM source file named in a frame: the package becomes folders under
 * Maven's layout (`src/test/java` for test classes, `src/main/java` otherwise; `kotlin` for .kt).
 */
export const jvmSourcePath = (packageName: string, file: string, testClasses: ReadonlySet<string> = new Set()): string => {
  const className = file.replace(/\.\w+$/, '');
  const language = file.endsWith('.kt') ? 'kotlin' : file.endsWith('.scala') ? 'scala' : file.endsWith('.groovy') ? 'groovy' : 'java';
  const root = testClasses.has(`${packageName}.${className}`) || isTestClass(className) ? 'test' : 'main';
  return `src/${root}/${language}/${packageName.replaceAll('.', '/')}/${file}`.replace(/\/{2,}/g, '/');
};

/** The frames of a JVM stack trace in the project's own code, innermost first, as repository paths. */
export const jvmUserFrames = (lines: readonly string[], testClasses?: ReadonlySet<string>): SourceLocation[] =>
  lines.flatMap((line) => {
    const match = javaFrame.exec(line);
    if (!match?.[1] || !match[2] || libraryPackage.test(match[1])) return [];
    return [{ file: jvmSourcePath(match[1].replace(/\.$/, ''), match[2], testClasses), line: lineNumber(match[3]) }];
  });

// `  File "/repo/shop/cart.py", line 19, in quantity_of`
const pythonFrame = /^\s*File "(.+?)", line (\d+)/;

/** The frames of a Python traceback in the project's own code, innermost first (Python prints them outermost first). */
export const pythonUserFrames = (lines: readonly string[]): SourceLocation[] =>
  lines
    .flatMap((line) => {
      const match = pythonFrame.exec(line);
      return match?.[1] && isUserPath(match[1]) && !match[1].startsWith('<') ? [{ file: match[1], line: lineNumber(match[2]) }] : [];
    })
    .reverse();

// Ruby `# ./lib/cart.rb:13:in 'quantity_of'`, PHP `/repo/src/Cart.php:23`, .NET `at X.Y() in /repo/Cart.cs:line 23`
const otherFrame =
  /^\s*(?:# )?((?:\.{0,2}\/)?[\w@./-]+\.(?:rb|php|cs|fs|vb)):(?:line )?(\d+)(?::in\b.*)?\s*$|\) in (\S+?\.(?:cs|fs|vb)):line (\d+)\s*$/;

/** Frames of Ruby, PHP and .NET stack traces in the project's own code, innermost first. */
export const otherUserFrames = (lines: readonly string[]): SourceLocation[] =>
  lines.flatMap((line) => {
    const match = otherFrame.exec(line);
    const file = match?.[1] ?? match?.[3];
    return file && isUserPath(file) ? [{ file: file.replace(/^\.\//, ''), line: lineNumber(match?.[2] ?? match?.[4]) }] : [];
  });
