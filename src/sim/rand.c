/* The run's PRNG: xoshiro256** seeded by splitmix64 from the run's seed. */
#include "sim/sim.h"

#include "sim/sim_priv.h"

void sim_rand_seed(struct sim *sim, uint64_t seed)
{
	uint64_t x = seed;

	for (int i = 0; i < 4; i++)
		sim->rng[i] = sim_splitmix64(&x);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t sim_rand(struct sim *sim)
{
	uint64_t *s = sim->rng;
	uint64_t r = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return r;
}

/* Rejection sampling, so every value is equally likely. */
uint64_t sim_rand_below(struct sim *sim, uint64_t n)
{
	uint64_t floor, r;

	if (n == 0)
		return 0;
	floor = -n % n;
	do
		r = sim_rand(sim);
	while (r < floor);
	return r % n;
}
