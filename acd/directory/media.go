package directory

import (
	"fmt"
	"slices"
	"unicode/utf8"
)

// MediaDomainConfig is a nonvoice Media Routing Domain (chat, email...):
// the agents who may sign in to it and the queue, a contract of the
// simulator (POST /acd/Tasks), its tasks wait in.
type MediaDomainConfig struct {
	ID            string   `yaml:"id"`
	Name          string   `yaml:"name"` // the enterprise name, a dialog's mediaType
	Description   string   `yaml:"description"`
	Interruptible bool     `yaml:"interruptible"`
	Queue         string   `yaml:"queue"`
	Agents        []string `yaml:"agents"`
}

// MediaDomain is a configured nonvoice MRD.
type MediaDomain struct {
	ID, Name, Description, Queue string
	Interruptible                bool
	Agents                       []string
}

func (d *Directory) addMedia(cfg Config) error {
	for _, mc := range cfg.MediaDomains {
		switch {
		case mc.ID == "" || mc.ID == "1" || slices.ContainsFunc(d.media, func(m *MediaDomain) bool { return m.ID == mc.ID }):
			return fmt.Errorf("media domain %q: id missing, repeated or 1 (voice)", mc.ID)
		case mc.Name == "" || utf8.RuneCountInString(mc.Name) > 32:
			return fmt.Errorf("media domain %s: name is 1 to 32 characters", mc.ID)
		case mc.Queue == "" || d.queues[mc.Queue] != nil || d.MediaDomainOfQueue(mc.Queue) != nil:
			return fmt.Errorf("media domain %s: queue %q missing or taken", mc.ID, mc.Queue)
		}
		m := &MediaDomain{
			ID: mc.ID, Name: mc.Name, Description: mc.Description, Queue: mc.Queue,
			Interruptible: mc.Interruptible, Agents: slices.Clone(mc.Agents),
		}
		for _, id := range mc.Agents {
			u, ok := d.users[id]
			if !ok {
				return fmt.Errorf("media domain %s: unknown agent %q", mc.ID, id)
			}
			u.MediaDomains = append(u.MediaDomains, m)
		}
		d.media = append(d.media, m)
	}
	return nil
}

// MediaDomain finds a nonvoice MRD by id.
func (d *Directory) MediaDomain(id string) *MediaDomain {
	i := slices.IndexFunc(d.media, func(m *MediaDomain) bool { return m.ID == id })
	if i < 0 {
		return nil
	}
	return d.media[i]
}

// MediaDomainOfQueue is the MRD whose tasks wait in queue, or nil.
func (d *Directory) MediaDomainOfQueue(queue string) *MediaDomain {
	i := slices.IndexFunc(d.media, func(m *MediaDomain) bool { return m.Queue == queue })
	if i < 0 {
		return nil
	}
	return d.media[i]
}

// MediaDomains lists every nonvoice MRD.
func (d *Directory) MediaDomains() []*MediaDomain { return slices.Clone(d.media) }
