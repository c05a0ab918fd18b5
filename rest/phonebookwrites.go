package rest

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/beevik/etree"
	"github.com/gorilla/mux"

	"github.com/finessed/finessed/acd"
	"github.com/finessed/finessed/acd/directory"
	"github.com/finessed/finessed/model"
)

// Administrators' phone book changes: books, their contacts one by one,
// and whole contact lists imported and exported as XML or CSV.

func (s *Server) postPhoneBook(w http.ResponseWriter, r *http.Request) {
	req, err := phoneBookRequest(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	id, err := s.engine.CreatePhoneBook(r.Context(), actor(r), req)
	if err != nil {
		writeError(w, r, err)
		return
	}
	w.Header().Set("Location", model.PhoneBook{ID: id}.URI())
	w.WriteHeader(http.StatusOK)
}

func (s *Server) putPhoneBook(w http.ResponseWriter, r *http.Request) {
	req, err := phoneBookRequest(r)
	if err == nil {
		err = s.engine.UpdatePhoneBook(r.Context(), actor(r), mux.Vars(r)["id"], req)
	}
	okOrError(w, r, err)
}

func (s *Server) deletePhoneBook(w http.ResponseWriter, r *http.Request) {
	okOrError(w, r, s.engine.DeletePhoneBook(r.Context(), actor(r), mux.Vars(r)["id"]))
}

func (s *Server) postContact(w http.ResponseWriter, r *http.Request) {
	c, err := contactRequest(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	book := mux.Vars(r)["id"]
	id, err := s.engine.SetContacts(r.Context(), actor(r), book, "", false, []acd.ContactFields{c})
	if err != nil {
		writeError(w, r, err)
		return
	}
	w.Header().Set("Location", model.Contact{ID: id, PhoneBookID: book}.URI())
	w.WriteHeader(http.StatusOK)
}

func (s *Server) putContact(w http.ResponseWriter, r *http.Request) {
	c, err := contactRequest(r)
	if err == nil {
		_, err = s.engine.SetContacts(r.Context(), actor(r), mux.Vars(r)["id"], mux.Vars(r)["contact"], false, []acd.ContactFields{c})
	}
	okOrError(w, r, err)
}

func (s *Server) deleteContact(w http.ResponseWriter, r *http.Request) {
	_, err := s.engine.SetContacts(r.Context(), actor(r), mux.Vars(r)["id"], mux.Vars(r)["contact"], false, nil)
	okOrError(w, r, err)
}

// putContacts replaces a book's contacts with an XML list (<Contacts>).
func (s *Server) putContacts(w http.ResponseWriter, r *http.Request) {
	body, err := readBody(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	root, err := model.ParseRoot(body, "Contacts")
	if err != nil {
		writeError(w, r, fail(errMalformed, "Contacts", err.Error()))
		return
	}
	var list []acd.ContactFields
	for _, el := range root.SelectElements("Contact") {
		list = append(list, contactFields(el))
	}
	_, err = s.engine.SetContacts(r.Context(), actor(r), mux.Vars(r)["id"], "", true, list)
	okOrError(w, r, err)
}

// csvHeader is the first line of a phone book's CSV, as Finesse's
// administration console writes it.
var csvHeader = []string{"First Name", "Last Name", "Phone Number", "Notes"}

// putContactsCSV replaces a book's contacts with a CSV list (text/csv or
// text/plain), its first line the header.
func (s *Server) putContactsCSV(w http.ResponseWriter, r *http.Request) {
	if err := directory.AuthorizeAdmin(actor(r)); err != nil {
		writeError(w, r, err)
		return
	}
	list, err := readContactsCSV(r)
	if err == nil {
		_, err = s.engine.SetContacts(r.Context(), actor(r), mux.Vars(r)["id"], "", true, list)
	}
	okOrError(w, r, err)
}

// getContactsCSV exports a book's contacts as CSV.
func (s *Server) getContactsCSV(w http.ResponseWriter, r *http.Request) {
	book, err := s.adminPhoneBook(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	var buf bytes.Buffer
	out := csv.NewWriter(&buf)
	out.Write(csvHeader)
	for _, c := range book.Contacts {
		out.Write([]string{c.FirstName, c.LastName, c.PhoneNumber, c.Description})
	}
	out.Flush()
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(http.StatusOK)
	w.Write(buf.Bytes())
}

func readContactsCSV(r *http.Request) ([]acd.ContactFields, error) {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		if mt, _, err := mime.ParseMediaType(ct); err != nil || (mt != "text/csv" && mt != "text/plain") {
			return nil, fail(errMediaType, "Content-Type", "send the contacts as text/csv, not "+ct)
		}
	}
	body, err := io.ReadAll(r.Body)
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return nil, fail(errBodyTooLarge, strconv.FormatInt(tooLarge.Limit, 10), "the contact list is too large")
	}
	if err != nil {
		return nil, fail(errMalformed, "", "reading the body: "+err.Error())
	}
	rows, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	if err != nil {
		return nil, fail(errMalformed, "csv", err.Error())
	}
	if len(rows) == 0 || !strings.EqualFold(strings.Join(rows[0], ","), strings.Join(csvHeader, ",")) {
		return nil, fail(errMalformed, "csv", "the first line is "+strings.Join(csvHeader, ","))
	}
	list := make([]acd.ContactFields, 0, len(rows)-1)
	for i, row := range rows[1:] {
		if len(row) != len(csvHeader) {
			return nil, fail(errMalformed, "csv", "line "+strconv.Itoa(i+2)+" has "+strconv.Itoa(len(row))+" fields, not 4")
		}
		list = append(list, acd.ContactFields{FirstName: row[0], LastName: row[1], PhoneNumber: row[2], Description: row[3]})
	}
	return list, nil
}

func phoneBookRequest(r *http.Request) (acd.PhoneBookRequest, error) {
	body, err := readBody(r)
	if err != nil {
		return acd.PhoneBookRequest{}, err
	}
	root, err := model.ParseRoot(body, "PhoneBook")
	if err != nil {
		return acd.PhoneBookRequest{}, fail(errMalformed, "PhoneBook", err.Error())
	}
	return acd.PhoneBookRequest{Name: textOf(root, "name"), Type: model.PhoneBookType(textOf(root, "type"))}, nil
}

func contactRequest(r *http.Request) (acd.ContactFields, error) {
	body, err := readBody(r)
	if err != nil {
		return acd.ContactFields{}, err
	}
	root, err := model.ParseRoot(body, "Contact")
	if err != nil {
		return acd.ContactFields{}, fail(errMalformed, "Contact", err.Error())
	}
	return contactFields(root), nil
}

func okOrError(w http.ResponseWriter, r *http.Request, err error) {
	if err != nil {
		writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// contactFields reads a <Contact>'s fields.
func contactFields(el *etree.Element) acd.ContactFields {
	return acd.ContactFields{
		FirstName: textOf(el, "firstName"), LastName: textOf(el, "lastName"),
		PhoneNumber: textOf(el, "phoneNumber"), Description: textOf(el, "description"),
	}
}

// textOf is the trimmed text of parent's child name, "" without one.
func textOf(parent *etree.Element, name string) string {
	if el := parent.SelectElement(name); el != nil {
		return strings.TrimSpace(el.Text())
	}
	return ""
}
