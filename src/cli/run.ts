/** Entry point of the bundled CLI (dist/cli/snaq.cjs). */
import { main } from './main';

main(process.argv).then((code) => {
  process.exitCode = code;
});
