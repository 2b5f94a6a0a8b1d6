from django.db import models


class BareReport(models.Model):
    body = models.TextField()
    reporter_kind = models.CharField(max_length=8)
    urgency = models.CharField(max_length=16)
    contact = models.TextField(blank=True)
    receipt_lookup = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
