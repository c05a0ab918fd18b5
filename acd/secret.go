package acd

import (
	"crypto/subtle"
	"errors"
	"strings"

	"golang.org/x/crypto/bcrypt"
)

// secret is how a user's password is checked: against a bcrypt hash when
// one is configured (the plain password is then never held), else against
// the configured plain password.
type secret struct {
	plain []byte
	hash  []byte
}

func newSecret(plain, hash string) (secret, error) {
	switch {
	case plain != "" && hash != "":
		return secret{}, errors.New("both password and passwordHash are set")
	case hash != "":
		if !strings.HasPrefix(hash, "$2") {
			return secret{}, errors.New("passwordHash is not a bcrypt hash")
		}
		if _, err := bcrypt.Cost([]byte(hash)); err != nil {
			return secret{}, errors.New("passwordHash is not a bcrypt hash")
		}
		return secret{hash: []byte(hash)}, nil
	case plain != "":
		return secret{plain: []byte(plain)}, nil
	}
	return secret{}, errors.New("no password or passwordHash")
}

// matches reports whether password is right. It is slow for hashed secrets
// on purpose; Authenticator caches its answers.
func (s secret) matches(password string) bool {
	if s.hash != nil {
		return bcrypt.CompareHashAndPassword(s.hash, []byte(password)) == nil
	}
	return subtle.ConstantTimeCompare(s.plain, []byte(password)) == 1
}
