package rest

import (
	"net/http"
	"strings"

	"github.com/gorilla/mux"
)

// routes registers every resource, and what the router answers when none
// matches. GET routes answer HEAD too.
func (s *Server) routes() {
	s.router.NotFoundHandler = http.HandlerFunc(s.notFound)
	s.router.MethodNotAllowedHandler = http.HandlerFunc(s.methodNotAllowed)
	s.router.Use(nameRoute)
	// Routes hang off the root router, not a subrouter: gorilla/mux reports
	// a method mismatch inside a subrouter as "not found".
	get := func(path string, h http.HandlerFunc) {
		s.router.HandleFunc("/finesse/api"+path, h).Methods(http.MethodGet, http.MethodHead)
	}
	get("/User/{id}", s.getUser)
	s.router.HandleFunc("/finesse/api/User/{id}", s.putUser).Methods(http.MethodPut)
	get("/Users", s.getUsers)
	get("/User/{id}/Queues", s.getUserQueues)
	get("/User/{id}/ReasonCodes", s.getUserReasonCodes)
	get("/User/{id}/ReasonCode/{code}", s.getUserReasonCode)
	get("/User/{id}/WrapUpReasons", s.getUserWrapUpReasons)
	get("/User/{id}/WrapUpReason/{reason}", s.getUserWrapUpReason)
	get("/User/{id}/PhoneBooks", s.getUserPhoneBooks)
	get("/Team/{id}", s.getTeam)
	get("/Team/{id}/ReasonCodes", s.getTeamAssignedCodes)
	s.router.HandleFunc("/finesse/api/Team/{id}/ReasonCodes", s.putTeamAssignedCodes).Methods(http.MethodPut)
	get("/Team/{id}/WrapUpReasons", s.getTeamAssignedWrapUps)
	s.router.HandleFunc("/finesse/api/Team/{id}/WrapUpReasons", s.putTeamAssignedWrapUps).Methods(http.MethodPut)
	get("/Team/{id}/PhoneBooks", s.getTeamAssignedBooks)
	s.router.HandleFunc("/finesse/api/Team/{id}/PhoneBooks", s.putTeamAssignedBooks).Methods(http.MethodPut)
	get("/Teams", s.getTeams)
	get("/Queue/{id}", s.getQueue)
	get("/ReasonCodes", s.getReasonCodes)
	get("/ReasonCode/{id}", s.getReasonCode)
	get("/WrapUpReasons", s.getWrapUpReasons)
	get("/WrapUpReason/{id}", s.getWrapUpReason)
	get("/PhoneBooks", s.getPhoneBooks)
	get("/PhoneBook/{id}", s.getPhoneBook)
	get("/PhoneBook/{id}/Contacts", s.getContacts)
	get("/PhoneBook/{id}/Contact/{contact}", s.getContact)
	get("/TeamResource/{id}/ReasonCodes", s.getTeamReasonCodes)
	get("/TeamResource/{id}/WrapUpReasons", s.getTeamWrapUpReasons)
	get("/TeamResource/{id}/PhoneBooks", s.getTeamPhoneBooks)
	get("/SystemInfo", s.getSystemInfo)
	get("/Dialog/{id}", s.getDialog)
	s.router.HandleFunc("/finesse/api/Dialog/{id}", s.putDialog).Methods(http.MethodPut)
	get("/User/{id}/Dialogs", s.getUserDialogs)
	get("/User/{id}/History", s.getUserHistory)
	s.router.HandleFunc("/finesse/api/User/{id}/Dialogs", s.postUserDialog).Methods(http.MethodPost)
	s.router.HandleFunc("/finesse/api/User/{id}/ClientLog", s.postClientLog).Methods(http.MethodPost)
	get("/User/{id}/ClientLogs", s.getClientLogs)
	s.router.HandleFunc("/finesse/api/ReasonCode", s.postReasonCode).Methods(http.MethodPost)
	s.router.HandleFunc("/finesse/api/ReasonCode/{id}", s.putReasonCode).Methods(http.MethodPut)
	s.router.HandleFunc("/finesse/api/ReasonCode/{id}", s.deleteReasonCode).Methods(http.MethodDelete)
	s.router.HandleFunc("/finesse/api/WrapUpReason", s.postWrapUpReason).Methods(http.MethodPost)
	s.router.HandleFunc("/finesse/api/WrapUpReason/{id}", s.putWrapUpReason).Methods(http.MethodPut)
	s.router.HandleFunc("/finesse/api/WrapUpReason/{id}", s.deleteWrapUpReason).Methods(http.MethodDelete)
	s.router.HandleFunc("/finesse/api/PhoneBook", s.postPhoneBook).Methods(http.MethodPost)
	s.router.HandleFunc("/finesse/api/PhoneBook/{id}", s.putPhoneBook).Methods(http.MethodPut)
	s.router.HandleFunc("/finesse/api/PhoneBook/{id}", s.deletePhoneBook).Methods(http.MethodDelete)
	s.router.HandleFunc("/finesse/api/PhoneBook/{id}/Contact", s.postContact).Methods(http.MethodPost)
	s.router.HandleFunc("/finesse/api/PhoneBook/{id}/Contact/{contact}", s.putContact).Methods(http.MethodPut)
	s.router.HandleFunc("/finesse/api/PhoneBook/{id}/Contact/{contact}", s.deleteContact).Methods(http.MethodDelete)
	s.router.HandleFunc("/finesse/api/PhoneBook/{id}/Contacts", s.putContacts).Methods(http.MethodPut)
	s.router.HandleFunc("/finesse/api/PhoneBook/{id}/Contacts/csvFileContent", s.putContactsCSV).Methods(http.MethodPut, http.MethodPost)
	get("/PhoneBook/{id}/Contacts/csvFileContent", s.getContactsCSV)
	s.router.HandleFunc("/finesse/api/Workflow", s.postWorkflow).Methods(http.MethodPost)
	s.router.HandleFunc("/finesse/api/Workflow/{id}", s.putWorkflow).Methods(http.MethodPut)
	s.router.HandleFunc("/finesse/api/Workflow/{id}", s.deleteWorkflow).Methods(http.MethodDelete)
	s.router.HandleFunc("/finesse/api/WorkflowAction", s.postWorkflowAction).Methods(http.MethodPost)
	s.router.HandleFunc("/finesse/api/WorkflowAction/{id}", s.putWorkflowAction).Methods(http.MethodPut)
	s.router.HandleFunc("/finesse/api/WorkflowAction/{id}", s.deleteWorkflowAction).Methods(http.MethodDelete)
	get("/Team/{id}/Workflows", s.getTeamAssignedWorkflows)
	s.router.HandleFunc("/finesse/api/Team/{id}/Workflows", s.putTeamAssignedWorkflows).Methods(http.MethodPut)
	s.router.HandleFunc("/finesse/api/TeamMessage", s.postTeamMessage).Methods(http.MethodPost)
	s.router.HandleFunc("/finesse/api/TeamMessage/{id}", s.deleteTeamMessage).Methods(http.MethodDelete)
	get("/TeamMessages", s.getTeamMessages)
	get("/User/{id}/MediaPropertiesLayout", s.getUserLayout)
	get("/User/{id}/MediaPropertiesLayouts", s.getUserLayouts)
	get("/TeamResource/{id}/MediaPropertiesLayout", s.getTeamLayout)
	get("/MediaPropertiesLayouts", s.getLayouts)
	get("/User/{id}/Media", s.getMediaList)
	get("/User/{id}/Media/{mrd}", s.getMedia)
	get("/User/{id}/Media/{mrd}/Dialogs", s.getMediaDialogs)
	s.router.HandleFunc("/finesse/api/User/{id}/Media/{mrd}", s.putMedia).Methods(http.MethodPut)
	get("/Workflows", s.getWorkflows)
	get("/Workflow/{id}", s.getWorkflow)
	get("/WorkflowActions", s.getWorkflowActions)
	get("/WorkflowAction/{id}", s.getWorkflowAction)
	get("/User/{id}/Workflows", s.getUserWorkflows)
	get("/TeamResource/{id}/Workflows", s.getTeamWorkflows)
	get("/MediaPropertiesLayout/{id}", s.getLayout)
	s.router.HandleFunc("/finesse/api/MediaPropertiesLayout", s.postLayout).Methods(http.MethodPost)
	s.router.HandleFunc("/finesse/api/MediaPropertiesLayout/{id}", s.putLayout).Methods(http.MethodPut)
	s.router.HandleFunc("/finesse/api/MediaPropertiesLayout/{id}", s.deleteLayout).Methods(http.MethodDelete)

	sim := func(path string, h http.HandlerFunc, methods ...string) {
		s.router.Handle(path, adminOnly(h)).Methods(methods...)
	}
	sim("/acd/Clock", s.postClock, http.MethodPost)
	sim("/acd/Reset", s.postReset, http.MethodPost)
	sim("/acd/Calls", s.postCall, http.MethodPost)
	sim("/acd/Calls", s.getCalls, http.MethodGet, http.MethodHead)
	sim("/acd/Call/{id}", s.getCall, http.MethodGet, http.MethodHead)
	sim("/acd/Call/{id}", s.deleteCall, http.MethodDelete)
	sim("/acd/Tasks", s.postTask, http.MethodPost)
	sim("/acd/Campaigns", s.postCampaign, http.MethodPost)
	sim("/acd/Campaigns", s.getCampaigns, http.MethodGet, http.MethodHead)
	sim("/acd/Campaign/{id}", s.getCampaign, http.MethodGet, http.MethodHead)
	sim("/acd/Campaign/{id}", s.deleteCampaign, http.MethodDelete)
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	writeError(w, r, fail(errRouteNotFound, r.URL.Path, "no resource at "+r.URL.Path))
}

// methodNotAllowed answers 405 with the Allow header that gorilla/mux does
// not give by itself, found by matching the path with every method. OPTIONS,
// which Allow always lists, answers 200 with just that header.
func (s *Server) methodNotAllowed(w http.ResponseWriter, r *http.Request) {
	var allow []string
	for _, m := range []string{http.MethodGet, http.MethodHead, http.MethodPut, http.MethodPost, http.MethodDelete} {
		probe := r.Clone(r.Context())
		probe.Method = m
		var match mux.RouteMatch
		if s.router.Match(probe, &match) && match.MatchErr == nil {
			allow = append(allow, m)
		}
	}
	w.Header().Set("Allow", strings.Join(append(allow, http.MethodOptions), ","))
	if r.Method == http.MethodOptions {
		w.WriteHeader(http.StatusOK)
		return
	}
	writeXMLError(w, http.StatusMethodNotAllowed, "Method Not Allowed", r.Method, r.Method+" is not supported on "+r.URL.Path)
}
