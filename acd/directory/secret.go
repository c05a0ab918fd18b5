package directory

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

// matchesPlain reports whether password is a plain secret's. Hashed
// secrets are Authenticator's to check: it bounds how many hashes run at
// once and caches their answers.
func (s secret) matchesPlain(password string) bool {
	return subtle.ConstantTimeCompare(s.plain, []byte(password)) == 1
}
