"""`{% fragment "name" key parts... depends=expr %}...{% endfragment %}`: a part of a page kept in the cache
under the versions of what it shows (newsroom/fragments.py). `depends` is read after a rendering: give it
something lazy (the block's own data), so that a cached fragment costs no query."""

from django import template

from newsroom import fragments

register = template.Library()


class FragmentNode(template.Node):
    def __init__(self, nodelist, name, parts, depends):
        self.nodelist, self.name, self.parts, self.depends = nodelist, name, parts, depends

    def render(self, context):
        return fragments.render(
            context.get("request"),
            self.name.resolve(context),
            [part.resolve(context) for part in self.parts],
            lambda: self.nodelist.render(context),
            lambda: self.depends.resolve(context) or (),
        )


@register.tag
def fragment(parser, token):
    bits = token.split_contents()
    if len(bits) < 3 or not bits[-1].startswith("depends="):
        raise template.TemplateSyntaxError(f'usage: {{% {bits[0]} "name" key... depends=expr %}}')
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    name, *parts = (parser.compile_filter(bit) for bit in bits[1:-1])
    depends = parser.compile_filter(bits[-1].removeprefix("depends="))
    return FragmentNode(nodelist, name, parts, depends)
