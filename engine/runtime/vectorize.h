/* vectorize.h — for files with hot element loops (include first).
 *
 * The loops are written to vectorise (restrict pointers, no calls, no
 * branches on data); GCC does that at -O2 only when asked. (AVX2 copies via
 * target_clones were tried on the seed network: no measurable gain, the
 * passes are bound by memory, not arithmetic.) */
#ifndef TSU_VECTORIZE_H
#define TSU_VECTORIZE_H

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("tree-vectorize")
#endif

#endif
