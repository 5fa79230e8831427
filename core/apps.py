from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Socle"

    def ready(self):
        from celery.signals import task_postrun, task_prerun

        from core.audit import command_context

        # Each Celery task runs in its own audit context, named after the task.
        contexts = {}

        def enter(task_id=None, task=None, **kwargs):
            contexts[task_id] = command_context(task.name)
            contexts[task_id].__enter__()

        def leave(task_id=None, **kwargs):
            context = contexts.pop(task_id, None)
            if context is not None:
                context.__exit__(None, None, None)

        task_prerun.connect(enter, weak=False, dispatch_uid="core.audit.enter")
        task_postrun.connect(leave, weak=False, dispatch_uid="core.audit.leave")
