package rest

import (
	"net/http"

	"github.com/gorilla/mux"

	"github.com/finessed/finessed/acd"
	"github.com/finessed/finessed/model"
)

// The simulator's outbound campaigns (/acd/Campaigns): the dialer of an
// Outbound Option deployment, driven by administrators' scripts.

func simCampaign(c acd.Campaign, contacts []acd.Contact) model.SimCampaign {
	out := model.SimCampaign{
		ID: c.ID, Name: c.Name, Mode: string(c.Mode), Queue: c.Queue, Ratio: c.Ratio,
		PersonalCallbacks: c.PersonalCallbacks, MaxAttempts: c.MaxAttempts, Created: c.Created, Stopped: c.Stopped,
	}
	if contacts != nil {
		out.Contacts = make([]model.SimContact, 0, len(contacts))
	}
	for _, k := range contacts {
		out.Contacts = append(out.Contacts, model.SimContact{
			ID: k.ID(), PhoneNumber: k.PhoneNumber, FirstName: k.FirstName, LastName: k.LastName,
			AccountNumber: k.AccountNumber, TimeZone: k.TimeZone, Status: string(k.Status), Attempts: k.Attempts,
			Agent: k.Agent, DialogID: k.Dialog, CallID: k.Call, Classification: k.Classification,
			CallbackTime: k.CallbackAt, CallbackNumber: k.CallbackNumber,
		})
	}
	return out
}

// postCampaign starts a campaign: 201 with the Campaign and its Location.
func (s *Server) postCampaign(w http.ResponseWriter, r *http.Request) {
	body, err := readBody(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	req, err := model.ParseSimCampaignRequest(body)
	if err != nil {
		writeError(w, r, fail(errMalformed, "Campaign", err.Error()))
		return
	}
	contacts := make([]acd.ContactRequest, len(req.Contacts))
	for i, k := range req.Contacts {
		contacts[i] = acd.ContactRequest{
			PhoneNumber: k.PhoneNumber, FirstName: k.FirstName, LastName: k.LastName,
			AccountNumber: k.AccountNumber, TimeZone: k.TimeZone,
		}
	}
	c, err := s.engine.StartCampaign(r.Context(), acd.CampaignRequest{
		Name: req.Name, Mode: acd.CampaignMode(req.Mode), Queue: req.Queue, Ratio: req.Ratio,
		PersonalCallbacks: req.PersonalCallbacks, MaxAttempts: req.MaxAttempts, Contacts: contacts,
	})
	if err != nil {
		writeError(w, r, err)
		return
	}
	s.writeCampaign(w, r, http.StatusCreated, c.ID)
}

func (s *Server) getCampaign(w http.ResponseWriter, r *http.Request) {
	s.writeCampaign(w, r, http.StatusOK, mux.Vars(r)["id"])
}

// writeCampaign answers with campaign id as it stands, its contacts too.
func (s *Server) writeCampaign(w http.ResponseWriter, r *http.Request, status int, id string) {
	c, contacts, err := s.engine.CampaignStatus(r.Context(), id)
	if err != nil {
		writeError(w, r, err)
		return
	}
	if status == http.StatusCreated {
		w.Header().Set("Location", model.SimCampaignURI(c.ID))
	}
	if contacts == nil {
		contacts = []acd.Contact{}
	}
	writeXML(w, status, simCampaign(c, contacts).Element())
}

func (s *Server) getCampaigns(w http.ResponseWriter, r *http.Request) {
	all, err := s.engine.Campaigns(r.Context())
	if err != nil {
		writeError(w, r, err)
		return
	}
	out := make([]model.SimCampaign, 0, len(all))
	for _, c := range all {
		out = append(out, simCampaign(c, nil))
	}
	writeXML(w, http.StatusOK, model.SimCampaignsElement(out))
}

// deleteCampaign stops a campaign; it stays readable with its contacts.
func (s *Server) deleteCampaign(w http.ResponseWriter, r *http.Request) {
	c, err := s.engine.StopCampaign(r.Context(), mux.Vars(r)["id"])
	if err != nil {
		writeError(w, r, err)
		return
	}
	s.writeCampaign(w, r, http.StatusOK, c.ID)
}
