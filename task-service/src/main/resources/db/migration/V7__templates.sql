-- Reusable task definitions. Tasks and schedules made from a template keep their own copy.
CREATE TABLE templates (
    template_id uuid PRIMARY KEY,
    name        text NOT NULL,
    task_json   jsonb NOT NULL,
    created_by  text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX templates_creator ON templates (created_by, created_at DESC, template_id DESC);
