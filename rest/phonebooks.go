package rest

import (
	"fmt"
	"net/http"
	"regexp"
	"strconv"

	"github.com/gorilla/mux"

	"github.com/finessed/finessed/acd/directory"
	"github.com/finessed/finessed/model"
)

func (s *Server) getPhoneBooks(w http.ResponseWriter, r *http.Request) {
	if err := directory.AuthorizeAdmin(actor(r)); err != nil {
		writeError(w, r, err)
		return
	}
	writeXML(w, http.StatusOK, model.PhoneBooksElement(s.engine.PhoneBooks(r.Context(), "")))
}

func (s *Server) getUserPhoneBooks(w http.ResponseWriter, r *http.Request) {
	u, err := s.selfUser(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeXML(w, http.StatusOK, model.PhoneBooksElement(s.engine.PhoneBooks(r.Context(), teamOf(u))))
}

// getTeamPhoneBooks honours a Range header of the form objects=1-6000, as
// the desktop sends it, answering 206 with the books in that range.
func (s *Server) getTeamPhoneBooks(w http.ResponseWriter, r *http.Request) {
	t, err := s.teamResource(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	books := s.engine.PhoneBooks(r.Context(), t.ID)
	spec := r.Header.Get("Range")
	if spec == "" {
		writeXML(w, http.StatusOK, model.PhoneBooksElement(books))
		return
	}
	first, last, err := objectRange(spec)
	if err != nil {
		writeError(w, r, err)
		return
	}
	from, to := min(first-1, len(books)), min(last, len(books))
	// An empty slice has no first-last pair to report; */total says so.
	contentRange := fmt.Sprintf("objects */%d", len(books))
	if from < to {
		contentRange = fmt.Sprintf("objects %d-%d/%d", from+1, to, len(books))
	}
	w.Header().Set("Content-Range", contentRange)
	writeXML(w, http.StatusPartialContent, model.PhoneBooksElement(books[from:to]))
}

var rangeSpec = regexp.MustCompile(`^objects=(\d{1,9})-(\d{1,9})$`)

// maxRangeObjects is the largest range Finesse accepts on phone books.
const maxRangeObjects = 6000

func objectRange(spec string) (int, int, error) {
	m := rangeSpec.FindStringSubmatch(spec)
	if m == nil {
		return 0, 0, fail(errRangeNotAllowed, spec, "Range must look like objects=1-6000")
	}
	first, _ := strconv.Atoi(m[1])
	last, _ := strconv.Atoi(m[2])
	if first < 1 || last < first || last > maxRangeObjects {
		return 0, 0, fail(errRangeNotAllowed, spec, "the range must lie within 1-6000")
	}
	return first, last, nil
}

func (s *Server) getPhoneBook(w http.ResponseWriter, r *http.Request) {
	book, err := s.readablePhoneBook(r)
	answer(w, r, book.Element(), err)
}

func (s *Server) getContacts(w http.ResponseWriter, r *http.Request) {
	book, err := s.readablePhoneBook(r)
	answer(w, r, model.ContactsElement(book.Contacts), err)
}

func (s *Server) getContact(w http.ResponseWriter, r *http.Request) {
	book, err := s.readablePhoneBook(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	id := mux.Vars(r)["contact"]
	for _, c := range book.Contacts {
		if c.ID == id {
			writeXML(w, http.StatusOK, c.Element())
			return
		}
	}
	writeError(w, r, notFound("contact", id))
}

// readablePhoneBook is the phone book a request names, for an
// administrator, or for a user it is assigned to (global, or its team's):
// finesse.js reads a desktop's contacts from the book's own URI. A book
// not assigned to the user answers 404, as a missing one does.
func (s *Server) readablePhoneBook(r *http.Request) (model.PhoneBook, error) {
	u := actor(r)
	if u.IsAdmin() {
		return s.adminPhoneBook(r)
	}
	id := mux.Vars(r)["id"]
	for _, book := range s.engine.PhoneBooks(r.Context(), teamOf(u)) {
		if book.ID == id {
			return book, nil
		}
	}
	return model.PhoneBook{}, notFound("phone book", id)
}

func (s *Server) adminPhoneBook(r *http.Request) (model.PhoneBook, error) {
	if err := directory.AuthorizeAdmin(actor(r)); err != nil {
		return model.PhoneBook{}, err
	}
	id := mux.Vars(r)["id"]
	book, ok := s.engine.PhoneBook(r.Context(), id)
	if !ok {
		return model.PhoneBook{}, notFound("phone book", id)
	}
	return book, nil
}
