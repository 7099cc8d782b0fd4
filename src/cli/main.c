/* chpsync's entry point; the program is chpsync_main() (src/cli/cli.c). */
#include "cli/cli.h"

int main(int argc, char **argv)
{
	return chpsync_main(argc, argv);
}
