#include "tsumiki.h"
int main(void) { return 0; }
