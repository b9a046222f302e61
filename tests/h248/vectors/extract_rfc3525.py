import re, sys
lines = open('/work/shared/spec/h248/rfc3525.txt').read().split('\n')
out = []
i = 0
n = 0
while i < len(lines):
    if lines[i].startswith('   MEGACO/1'):
        msg = []; depth = 0; opened = False
        while i < len(lines):
            l = lines[i]
            if l.startswith('Groves, et al.') or l.startswith('RFC 3525 ') or '\f' in l:
                i += 1; continue
            l = l[3:] if l.startswith('   ') else l.lstrip()
            msg.append(l)
            depth += l.count('{') - l.count('}')
            if '{' in l: opened = True
            i += 1
            if opened and depth <= 0: break
        n += 1
        txt = '\n'.join(msg).strip() + '\n'
        txt = re.sub(r'\n\s*\n+', '\n', txt)
        open('rfc3525/a1_%02d.txt' % n, 'w').write(txt)
    else:
        i += 1
print(n)
# Errata-style fixes (listed in SOURCE.md): the RFC's examples predate the final ABNF.
import glob
for f in sorted(glob.glob('rfc3525/*.txt')):
    t = open(f).read()
    o = t
    t = re.sub(r'(\w+/\w+)\((\w+=\w+)\)', r'\1{\2}', t)
    def sdp(m):
        body = ' '.join(m.group(2).split())
        body = re.sub(r'\s+(?=[a-z]=)', '\n', body)
        return m.group(1) + '\n' + body + '\n}'
    t = re.sub(r'((?:Local|Remote) \{)([^}]*)\}', sdp, t)
    t = re.sub(r',(\s*)\}', r'\1}', t)
    if t != o:
        print('fixed', f)
    open(f, 'w').write(t)
