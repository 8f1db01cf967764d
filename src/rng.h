/*
 * rng.h - the seeded pseudo-random generator (xoshiro256**, seeded through
 * splitmix64).  Every random choice ordeal makes derives from one 64-bit
 * seed, printed at the start, so `--seed N` replays a run exactly.
 */
#ifndef ORDEAL_RNG_H
#define ORDEAL_RNG_H

#include "common.h"

struct rng {
	uint64_t s[4];
};

void rng_init(struct rng *r, uint64_t seed);
uint64_t rng_next(struct rng *r);
/* Uniform in [0, n) without modulo bias; n > 0. */
uint64_t rng_below(struct rng *r, uint64_t n);
/* Fisher-Yates shuffle of `n` elements of `size` bytes. */
void rng_shuffle(struct rng *r, void *base, size_t n, size_t size);
/* The k-th derived seed of `seed` (per iteration, per run, per thread). */
uint64_t rng_derive(uint64_t seed, uint64_t k);
/* A fresh seed from the OS (getrandom or /dev/urandom, else time). */
uint64_t rng_seed_from_os(void);
/* Parse a seed: decimal or 0x-hex, whole string; 0 or -1 (no message). */
int rng_seed_parse(const char *s, uint64_t *seed);

#endif
