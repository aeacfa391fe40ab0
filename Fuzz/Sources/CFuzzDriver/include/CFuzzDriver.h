// libFuzzer's entry for programs that have their own main (compiler-rt FuzzerInterface.h). SwiftPM links every
// executable with main aliased to MODULE_main, so each fuzz target's MODULE_main calls this instead of libFuzzer's
// own main.
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
