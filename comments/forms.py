"""The reader's comment form and the small forms around it."""

from django import forms
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django_comments_xtd.forms import XtdCommentForm

from .models import CommentReport, DataRequest
from .moderation import NO_NAME, NO_TEXT, visible_field
from .rendering import account_name

REQUIRED = "required"
# The comment form's and the data request's word for an address that is none.
NOT_AN_ADDRESS = "Enter a valid email address, like name@example.org."
REPLY_TO_MAX = 2**31 - 1  # the highest comment id a reply_to may name: past it, no row and no query


class CommentTextField(forms.CharField):
    """A browser sends each line break of a text box as two characters (CR LF); counted, and kept, as one,
    as the reader and the page count it: a comment within the limit, in paragraphs, is not refused as over."""

    def to_python(self, value):
        return super().to_python(value).replace("\r\n", "\n")


class ReaderCommentForm(XtdCommentForm):
    """xtd's form (security hash, timestamp, honeypot) with our labels, limits and no silent truncation.

    Signed in, the name (and the email, where the account has one) is the account's: shown, not editable,
    and a value sent anyway is ignored (a disabled field); comments.services.post_comment insists too.
    """

    remember = forms.BooleanField(
        required=False,
        initial=False,
        label="Save my name, email and website in this browser for the next time I comment.",
    )

    def __init__(self, target_object, data=None, initial=None, *, comment=None, user=None, **kwargs):
        initial = dict(initial or {})
        signed_in = user is not None and user.is_authenticated
        if signed_in:
            # As it will be stored and shown (comments.services.post_comment): never with an address.
            initial["name"] = account_name(user)
            if user.email:
                initial["email"] = user.email
        super().__init__(target_object, data=data, initial=initial, comment=comment, **kwargs)
        max_length = settings.COMMENT_MAX_LENGTH
        # The comment replied to, as the API takes it: an id past any row is a form error, not a query
        # (SQLite cannot even compare an integer past 2**63 - 1).
        self.fields["reply_to"].validators += [MinValueValidator(0), MaxValueValidator(REPLY_TO_MAX)]
        self.fields["name"] = forms.CharField(
            label="Name",
            max_length=50,
            help_text="Shown with your comment.",
            widget=forms.TextInput(attrs={"autocomplete": "name"}),
        )
        self.fields["email"] = forms.EmailField(
            label="Email",
            max_length=254,
            help_text="Never shown. We write to it only to confirm your comment, and about replies if "
            "you ask.",
            error_messages={"invalid": NOT_AN_ADDRESS},
            widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        )
        self.fields["url"] = forms.URLField(
            label="Website",
            required=False,
            max_length=200,
            assume_scheme="https",
            error_messages={"invalid": "Enter a valid web address, like https://example.org."},
            # A text box, not type=url: the browser must not block what the server explains better.
            widget=forms.TextInput(attrs={"autocomplete": "url"}),
        )
        self.fields["comment"] = CommentTextField(
            label="Comment",
            max_length=max_length,
            help_text=f"Plain text, at most {max_length} characters. Links are allowed.",
            widget=forms.Textarea(attrs={"rows": 8}),
        )
        if signed_in:
            self.fields["name"].disabled = True
            self.fields["name"].help_text = "Your account's name, shown with your comment."
            # Nothing to remember in this browser, and an account's address left in it for whoever uses the
            # browser next (comments/remember.js).
            del self.fields["remember"]
        if signed_in and user.email:
            email = self.fields["email"]
            email.disabled = True
            email.help_text = "Your account's address. Never shown; we write to it about replies if you ask."
        self.fields["followup"].label = "Email me when someone replies in this thread"
        self.fields["followup"].initial = False
        self.fields["honeypot"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})
        for name in ("name", "email", "comment"):
            self.fields[name].widget.attrs[REQUIRED] = True
        for name in ("name", "comment", "email", "url"):
            # A browser's maxlength cuts pasted text short; we refuse over-long text instead.
            self.fields[name].widget.attrs.pop("maxlength", None)
        self.order_fields(["comment", "name", "email", "url", "followup", "remember", "honeypot"])

    def clean_url(self):
        url = self.cleaned_data.get("url", "")
        if url and not url.lower().startswith(("http://", "https://")):
            raise forms.ValidationError("Enter a web address that starts with http:// or https://.")
        return url

    def clean_comment(self):
        return visible_field(self.cleaned_data.get("comment", ""), NO_TEXT, forms.ValidationError)

    def clean_name(self):
        return visible_field(self.cleaned_data.get("name", ""), NO_NAME, forms.ValidationError)

    def clean(self):
        # Skip XtdCommentForm.clean (it only adds CSS classes) but keep the parents' checks.
        return forms.Form.clean(self)


class ReportForm(forms.Form):
    # No reason chosen in advance: the reader says which it is.
    reason = forms.ChoiceField(
        choices=CommentReport.Reason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a reason."},
    )


class DataRequestForm(forms.Form):
    email = forms.EmailField(
        label="Your email address",
        max_length=254,
        error_messages={"invalid": NOT_AN_ADDRESS},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    kind = forms.ChoiceField(
        label="What should we do?",
        choices=[
            (DataRequest.Kind.EXPORT, "Send me a copy of my comment data"),
            (DataRequest.Kind.ERASE, "Erase my personal data from my comments"),
        ],
        widget=forms.RadioSelect,
        initial=DataRequest.Kind.EXPORT,
    )
    remove_texts = forms.BooleanField(
        required=False, label="When erasing, also remove the texts of my comments"
    )


class NotificationSettingForm(forms.Form):
    notify_new_comments = forms.BooleanField(
        required=False, label="Email me when a comment is published on one of my articles"
    )
