package acd

import (
	"context"
	"log/slog"
	"reflect"
	"sync"

	"github.com/finessed/finessed/model"
)

// queueStats publishes Queue notifications as Finesse does: at most once
// an interval per queue, and only when its statistics changed since the
// last one published.
type queueStats struct {
	mu   sync.Mutex
	last map[string]model.QueueStatistics
}

// StartQueueStats starts publishing Queue notifications every
// Settings.QueueStatsInterval; Close stops it.
func (e *Engine) StartQueueStats() {
	e.timers.after(e.clock, e.dir.Settings.QueueStatsInterval, func() {
		if e.leading() {
			e.PublishQueueStats(context.Background())
		}
		e.StartQueueStats()
	})
}

// PublishQueueStats commits a Queue notification for every queue whose
// statistics changed since the last one.
func (e *Engine) PublishQueueStats(ctx context.Context) {
	views, err := e.queueViews(ctx, e.dir.Queues())
	if err != nil {
		slog.Error("queue statistics", "err", err)
		return
	}
	e.stats.mu.Lock()
	defer e.stats.mu.Unlock()
	if e.stats.last == nil {
		e.stats.last = map[string]model.QueueStatistics{}
	}
	var events []Event
	for _, v := range views {
		if last, ok := e.stats.last[v.ID]; ok && reflect.DeepEqual(last, v.Statistics) {
			continue
		}
		e.stats.last[v.ID] = v.Statistics
		uri := model.QueueURI(v.ID)
		update := model.Update{Event: model.EventPut, Source: uri, Data: v.Element()}
		events = append(events, Event{Nodes: []string{uri}, Payload: update.Indented()})
	}
	if len(events) == 0 {
		return
	}
	err = e.update(ctx, func(tx Tx) error {
		for _, ev := range events {
			tx.Emit(ev)
		}
		return nil
	})
	if err != nil {
		slog.Error("publish queue statistics", "err", err)
	}
}
