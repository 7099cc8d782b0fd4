/* The chpsync command line: run, check, shell, dasd, --help, --version. */
#ifndef CHPSYNC_CLI_CLI_H
#define CHPSYNC_CLI_CLI_H

/* Everything main() does; returns the exit status.  Writes to stdout and
 * stderr. */
int chpsync_main(int argc, char **argv);

#endif
