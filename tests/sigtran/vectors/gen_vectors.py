#!/usr/bin/env python3
# Writes the hand-built RFC 4666 vectors (rfc4666/*.hex, invalid/*.hex + MANIFEST.tsv) and the
# isup.cap payloads re-framed as RFC 4666 DATA (isup_cap/*.hex). Independent of the C++ codec:
# the layouts follow the figures of RFC 4666 §3. Run once; the outputs are committed.
import os, struct, subprocess
D = os.path.dirname(os.path.abspath(__file__))

def tlv(tag, val):
    b = struct.pack('>HH', tag, 4 + len(val)) + val
    return b + b'\0' * ((4 - len(b) % 4) % 4)
def u32(v): return struct.pack('>I', v)
def msg(cls, typ, *params, version=1):
    body = b''.join(params)
    return struct.pack('>BBBBI', version, 0, cls, typ, 8 + len(body)) + body
def pd(opc, dpc, si, ni, mp, sls, data): return struct.pack('>IIBBBB', opc, dpc, si, ni, mp, sls) + data

IAM = bytes.fromhex('d5000100a0010a02020705819084190f0a070317933393798008018003057c038890a61d038890a6310200643f06039300060010f4056476c328813902f49000')  # the ISUP IAM of isup.cap (CIC 213)
valid = {
 'err_invalid_version': msg(0, 0, tlv(0x0c, u32(1)), tlv(0x07, bytes.fromhex('0200030100000008'))),
 'err_invalid_rc': msg(0, 0, tlv(0x0c, u32(0x19)), tlv(0x06, u32(7))),
 'ntfy_as_active': msg(0, 1, tlv(0x0d, u32(0x00010003)), tlv(0x11, u32(42)), tlv(0x06, u32(1))),
 'ntfy_alternate_asp': msg(0, 1, tlv(0x0d, u32(0x00020002)), tlv(0x04, b'takeover')),
 'data_iam_rc': msg(1, 1, tlv(0x06, u32(1)), tlv(0x210, pd(1, 2, 5, 2, 0, 1, IAM))),
 'data_na_corr_odd': msg(1, 1, tlv(0x200, u32(8)), tlv(0x06, u32(3)),
                         tlv(0x210, pd(0x3f00, 0x123, 5, 0, 0, 15, bytes.fromhex('1000100200'))),
                         tlv(0x13, u32(0xdeadbeef))),
 'duna': msg(2, 1, tlv(0x06, u32(1)), tlv(0x12, u32(2) + u32(0x08000100)), tlv(0x04, b'gone')),
 'dava': msg(2, 2, tlv(0x200, u32(3)), tlv(0x12, u32(2))),
 'daud': msg(2, 3, tlv(0x06, u32(1)), tlv(0x12, u32(2))),
 'scon': msg(2, 4, tlv(0x06, u32(1)), tlv(0x12, u32(2)), tlv(0x206, u32(5)), tlv(0x205, u32(2))),
 'dupu': msg(2, 5, tlv(0x06, u32(1)), tlv(0x12, u32(2)), tlv(0x204, u32(0x00010005))),
 'drst': msg(2, 6, tlv(0x12, u32(2))),
 'aspup': msg(3, 1, tlv(0x11, u32(1)), tlv(0x04, b'mgc asp')),
 'aspup_empty': msg(3, 1),
 'aspdn': msg(3, 2),
 'beat': msg(3, 3, tlv(0x09, b'\x01\x02\x03\x04\x05')),
 'aspup_ack': msg(3, 4, tlv(0x11, u32(1))),
 'aspdn_ack': msg(3, 5, tlv(0x04, b'bye')),
 'beat_ack': msg(3, 6, tlv(0x09, b'\x01\x02\x03\x04\x05')),
 'aspac': msg(4, 1, tlv(0x0b, u32(1)), tlv(0x06, u32(1) + u32(2))),
 'aspia': msg(4, 2, tlv(0x06, u32(1))),
 'aspac_ack': msg(4, 3, tlv(0x0b, u32(2)), tlv(0x06, u32(1))),
 'aspia_ack': msg(4, 4, tlv(0x06, u32(1))),
 'reg_req': msg(9, 1, tlv(0x207, tlv(0x20a, u32(1)) + tlv(0x0b, u32(2)) + tlv(0x20b, u32(2))
                         + tlv(0x200, u32(3)) + tlv(0x20c, b'\x05') + tlv(0x20e, u32(1)))),
 'reg_rsp': msg(9, 2, tlv(0x208, tlv(0x20a, u32(1)) + tlv(0x212, u32(0)) + tlv(0x06, u32(77)))),
 'dereg_req': msg(9, 3, tlv(0x06, u32(77))),
 'dereg_rsp': msg(9, 4, tlv(0x209, tlv(0x06, u32(77)) + tlv(0x213, u32(0)))),
}
# name -> (bytes, expected RFC 4666 §3.8.1 error code)
invalid = {
 'truncated_header': (bytes.fromhex('010003010000'), 0x07),
 'version_2': (msg(3, 1, version=2), 0x01),
 'version_0_data': (msg(1, 1, tlv(0x210, pd(1, 2, 5, 2, 0, 1, IAM)), version=0), 0x01),
 'length_mismatch': (msg(3, 1)[:4] + u32(12), 0x07),
 'length_below_header': (msg(3, 1)[:4] + u32(4), 0x07),
 'class_5_qptm': (msg(5, 1), 0x03),
 'class_10': (msg(10, 1), 0x03),
 'mgmt_type_2': (msg(0, 2), 0x04),
 'transfer_type_2': (msg(1, 2), 0x04),
 'aspsm_type_7': (msg(3, 7), 0x04),
 'asptm_type_5': (msg(4, 5), 0x04),
 'rkm_type_5': (msg(9, 5), 0x04),
 'data_missing_protocol_data': (msg(1, 1, tlv(0x06, u32(1))), 0x16),
 'dupu_missing_user_cause': (msg(2, 5, tlv(0x12, u32(2))), 0x16),
 'err_missing_error_code': (msg(0, 0), 0x16),
 'data_unexpected_tmt': (msg(1, 1, tlv(0x0b, u32(1)), tlv(0x210, pd(1, 2, 5, 2, 0, 1, IAM))), 0x13),
 'aspup_duplicate_asp_id': (msg(3, 1, tlv(0x11, u32(1)), tlv(0x11, u32(2))), 0x13),
 'data_short_protocol_data': (msg(1, 1, tlv(0x210, bytes(8))), 0x12),
 'aspup_asp_id_3_octets': (msg(3, 1, tlv(0x11, b'\0\0\1')), 0x12),
 'param_length_3': (msg(3, 1) [:4] + u32(12) + struct.pack('>HH', 0x11, 3), 0x12),
 'param_length_overrun': (msg(3, 1)[:4] + u32(16) + struct.pack('>HH', 0x11, 12) + u32(1), 0x12),
 'param_header_truncated': (msg(3, 1)[:4] + u32(10) + b'\x00\x11', 0x12),
 'rc_not_multiple_of_4': (msg(4, 1, tlv(0x06, b'\0\0\0\1\0\0')), 0x12),
 'aspac_tmt_4': (msg(4, 1, tlv(0x0b, u32(4))), 0x05),
 'aspac_tmt_0': (msg(4, 1, tlv(0x0b, u32(0))), 0x05),
 'ntfy_status_type_3': (msg(0, 1, tlv(0x0d, u32(0x00030001))), 0x11),
 'ntfy_as_state_5': (msg(0, 1, tlv(0x0d, u32(0x00010005))), 0x11),
 'dupu_mask_nonzero': (msg(2, 5, tlv(0x12, u32(0x01000002)), tlv(0x204, u32(0x00010005))), 0x11),
 'dupu_cause_9': (msg(2, 5, tlv(0x12, u32(2)), tlv(0x204, u32(0x00090005))), 0x11),
 'reg_req_key_without_dpc': (msg(9, 1, tlv(0x207, tlv(0x20a, u32(1)))), 0x16),
 'reg_req_key_with_status': (msg(9, 1, tlv(0x207, tlv(0x20a, u32(1)) + tlv(0x20b, u32(2)) + tlv(0x0d, u32(0x00010002)))), 0x13),
 'info_string_256': (msg(3, 1, tlv(0x04, b'a' * 256)), 0x12),
}

def write(sub, name, b):
    os.makedirs(os.path.join(D, sub), exist_ok=True)
    open(os.path.join(D, sub, name + '.hex'), 'w').write(b.hex() + '\n')

for n, b in valid.items(): write('rfc4666', n, b)
with open(os.path.join(D, 'invalid', 'MANIFEST.tsv') if os.path.isdir(os.path.join(D, 'invalid')) else os.devnull, 'w'): pass
for n, (b, code) in invalid.items(): write('invalid', n, b)
with open(os.path.join(D, 'invalid', 'MANIFEST.tsv'), 'w') as f:
    f.write('# vector\texpected RFC 4666 error code (hex)\n')
    for n, (b, code) in invalid.items(): f.write('%s\t0x%02x\n' % (n, code))

# isup.cap (pre-RFC M3UA draft 6, Protocol Data 1 = SIO + ITU routing label + ISUP): the MTP3
# fields are moved into an RFC 4666 Protocol Data parameter; the ISUP octets are unchanged.
PCAP = '/work/shared/testdata/pcap/isup.cap'
if os.path.exists(PCAP):
    out = subprocess.run(['tshark', '-r', PCAP, '--disable-protocol', 'm3ua', '-T', 'fields', '-e', 'data.data'],
                         capture_output=True, text=True).stdout.split()
    names = {0x01: 'iam', 0x2f: 'cfn', 0x06: 'acm', 0x09: 'anm', 0x0c: 'rel', 0x10: 'rlc'}
    for i, h in enumerate(out):
        b = bytes.fromhex(h)
        tag, plen = struct.unpack('>HH', b[8:12])
        v = b[12:8 + plen + 4 - 4][:plen - 4]
        sio, label, isup = v[0], struct.unpack('<I', v[1:5])[0], v[5:]
        dpc, opc, sls = label & 0x3fff, (label >> 14) & 0x3fff, label >> 28
        m = msg(1, 1, tlv(0x06, u32(1)), tlv(0x210, pd(opc, dpc, sio & 0x0f, sio >> 6, 0, sls, isup)))
        write('isup_cap', '%d_%s' % (i + 1, names.get(isup[2], 'x%02x' % isup[2])), m)
        write('isup_cap_isup', '%d_%s' % (i + 1, names.get(isup[2], 'x%02x' % isup[2])), isup)

BICC = '/work/shared/testdata/pcap/bicc.pcap'
if os.path.exists(BICC):
    h = subprocess.run(['tshark', '-r', BICC, '--disable-protocol', 'm3ua', '-T', 'fields', '-e', 'data.data'],
                       capture_output=True, text=True).stdout.split()[0]
    write('bicc_pcap', '1_data_bicc_iam', bytes.fromhex(h))
