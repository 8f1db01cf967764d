/*
 * rng.c - xoshiro256** seeded by splitmix64 (both public-domain algorithms
 * by Blackman and Vigna), with unbiased bounded draws and shuffling.
 */
#include "rng.h"

#include <fcntl.h>
#include <time.h>
#include <unistd.h>

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void rng_init(struct rng *r, uint64_t seed)
{
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&seed);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t rng_next(struct rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

uint64_t rng_below(struct rng *r, uint64_t n)
{
	/* Reject the top partial range so every value is equally likely. */
	uint64_t limit;

	if (n == 0)
		BUG("rng_below(0)");
	limit = UINT64_MAX - UINT64_MAX % n;
	for (;;) {
		uint64_t v = rng_next(r);
		if (v < limit)
			return v % n;
	}
}

void rng_shuffle(struct rng *r, void *base, size_t n, size_t size)
{
	unsigned char *a = base, tmp[256];

	if (size > sizeof(tmp))
		BUG("rng_shuffle element too large");
	for (size_t i = n; i > 1; i--) {
		size_t j = (size_t)rng_below(r, i);
		if (j == i - 1)
			continue;
		memcpy(tmp, a + (i - 1) * size, size);
		memcpy(a + (i - 1) * size, a + j * size, size);
		memcpy(a + j * size, tmp, size);
	}
}

uint64_t rng_derive(uint64_t seed, uint64_t k)
{
	uint64_t x = seed ^ (k * 0xd1b54a32d192ed03ULL);

	splitmix64(&x);
	return splitmix64(&x);
}

uint64_t rng_seed_from_os(void)
{
	uint64_t seed = 0;
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		ssize_t n = read_in_full(fd, &seed, sizeof(seed));
		close(fd);
		if (n == (ssize_t)sizeof(seed) && seed)
			return seed;
	}
	seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	return rng_derive(seed, (uint64_t)clock());
}

int rng_seed_parse(const char *s, uint64_t *seed)
{
	char *end;
	int base = 10;

	/* strtoull skips any white space and takes a sign: a digit first. */
	if (!s || !*s || *s < '0' || *s > '9')
		return -1;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		if (!s[2])
			return -1;
	}
	errno = 0;
	*seed = strtoull(s, &end, base);
	if (errno || *end)
		return -1;
	return 0;
}
