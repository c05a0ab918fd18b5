// Package redis will implement acd's Store, Log, Lockouts and lease on
// Redis, so that two finessed nodes share state and fail over to each
// other. It is built by issue #5; until then it holds nothing.
package redis
