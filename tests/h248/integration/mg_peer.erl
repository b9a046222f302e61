%% A media gateway on Erlang/OTP's megaco stack, the real peer of the integration tests
%% (run_otp_mg.sh). It registers with the MGC (ServiceChange Restart on ROOT), then answers
%% Add/Modify/Subtract/AuditValue/Notify/ServiceChange: an Add on a CHOOSE termination gets
%% "rtp/N" (text) or "rtpN" (binary) and a local SDP; "$" contexts get a fresh id.
%% Usage: erl -noshell -pa DIR -run mg_peer start MGC_PORT MG_PORT VERSION ENCODING LIFETIME_S [TRANSPORT]
%%   ENCODING: compact | pretty | binary   (binary: BER in native mode, Annex A records)
%%   TRANSPORT: udp (default) | tcp        (tcp: connects to the MGC, TPKT framed by megaco_tcp)
-module(mg_peer).
-behaviour(megaco_user).
-export([start/1]).
-export([handle_connect/2, handle_disconnect/3, handle_syntax_error/3, handle_message_error/3,
         handle_trans_request/3, handle_trans_long_request/3, handle_trans_reply/4,
         handle_trans_ack/4, handle_unexpected_trans/3, handle_trans_request_abort/4]).
-include_lib("megaco/include/megaco.hrl").
%% Records of the protocol version the module is compiled for (erlc -DV3 for version 3).
-ifdef(V3).
-include_lib("megaco/include/megaco_message_v3.hrl").
-else.
-include_lib("megaco/include/megaco_message_v1.hrl").
-endif.

start([MgcPortS, MgPortS, VsnS, EncS, LifeS]) ->
    start([MgcPortS, MgPortS, VsnS, EncS, LifeS, "udp"]);
start([MgcPortS, MgPortS, VsnS, EncS, LifeS, TransS]) ->
    Tcp = TransS =:= "tcp",
    MgcPort = list_to_integer(MgcPortS),
    MgPort = list_to_integer(MgPortS),
    Vsn = list_to_integer(VsnS),
    Enc = list_to_atom(EncS),
    Life = list_to_integer(LifeS),
    spawn(fun() -> timer:sleep(Life * 1000), io:format("mg_peer: lifetime over~n"), halt(0) end),
    persistent_term:put(mg_peer_enc, Enc),
    ok = megaco:start(),
    Mid = {ip4Address, #'IP4Address'{address = [127, 0, 0, 1], portNumber = MgPort}},
    {EncMod, EncConf} = case Enc of
                            compact -> {megaco_compact_text_encoder, []};
                            pretty -> {megaco_pretty_text_encoder, []};
                            binary -> {megaco_ber_encoder, [native]}
                        end,
    ok = megaco:start_user(Mid, [{user_mod, ?MODULE},
                                 {encoding_mod, EncMod}, {encoding_config, EncConf},
                                 {send_mod, case Tcp of true -> megaco_tcp; false -> megaco_udp end},
                                 {protocol_version, Vsn}]),
    RH = megaco:user_info(Mid, receive_handle),
    {ok, CH} = case Tcp of
                   true ->
                       {ok, Sup} = megaco_tcp:start_transport(),
                       {ok, SH, Ctrl} = megaco_tcp:connect(Sup, [{host, {127, 0, 0, 1}},
                                                                 {port, MgcPort},
                                                                 {receive_handle, RH}]),
                       megaco:connect(RH, preliminary_mid, SH, Ctrl);
                   false ->
                       {ok, Sup} = megaco_udp:start_transport(),
                       {ok, SendH, Ctrl} = megaco_udp:open(Sup, [{port, MgPort}, {receive_handle, RH},
                                                                 {udp_options, [{ip, {127, 0, 0, 1}}]}]),
                       SH = megaco_udp:create_send_handle(SendH, {127, 0, 0, 1}, MgcPort),
                       megaco:connect(RH, preliminary_mid, SH, Ctrl)
               end,
    Root = case Enc of
               binary -> #'TerminationID'{wildcard = [], id = [255, 255, 255, 255, 255, 255, 255, 255]};
               _ -> ?megaco_root_termination_id
           end,
    SC = #'ServiceChangeRequest'{
            terminationID = [Root],
            serviceChangeParms = #'ServiceChangeParm'{serviceChangeMethod = restart,
                                                      serviceChangeReason = ["901 Cold Boot"]}},
    AR = #'ActionRequest'{contextId = ?megaco_null_context_id,
                          commandRequests = [#'CommandRequest'{command = {serviceChangeReq, SC}}]},
    io:format("mg_peer: v~p ~p registering with 127.0.0.1:~p~n", [Vsn, Enc, MgcPort]),
    io:format("mg_peer: ServiceChange result ~p~n", [megaco:call(CH, [AR], [])]),
    receive after infinity -> ok end.

handle_connect(_CH, _PV) -> ok.
handle_disconnect(_CH, _PV, R) -> io:format("mg_peer: disconnect ~p~n", [R]), ok.
handle_syntax_error(_RH, _PV, ED) -> io:format("mg_peer: syntax error ~p~n", [ED]), reply.
handle_message_error(_CH, _PV, ED) -> io:format("mg_peer: message error ~p~n", [ED]), no_reply.
handle_trans_long_request(_CH, _PV, _RD) -> {discard_ack, []}.
handle_trans_reply(_CH, _PV, _R, _RD) -> ok.
handle_trans_ack(_CH, _PV, _S, _AD) -> ok.
handle_unexpected_trans(_CH, _PV, T) -> io:format("mg_peer: unexpected ~p~n", [T]), ok.
handle_trans_request_abort(_CH, _PV, _T, _P) -> ok.

handle_trans_request(_CH, _PV, ARs) ->
    Enc = persistent_term:get(mg_peer_enc),
    io:format("mg_peer: request ~p~n", [ARs]),
    {discard_ack, [action(AR, Enc) || AR <- ARs]}.

action(#'ActionRequest'{contextId = Ctx0, commandRequests = CRs}, Enc) ->
    Ctx = case Ctx0 of
              ?megaco_choose_context_id -> erlang:unique_integer([positive, monotonic]) + 1000;
              _ -> Ctx0
          end,
    #'ActionReply'{contextId = Ctx,
                   commandReply = [reply(C, Enc) || #'CommandRequest'{command = C} <- CRs]}.

reply({addReq, #'AmmRequest'{terminationID = T}}, Enc) ->
    Tids = [choose(X, Enc) || X <- T],
    Audit = case Tids =/= T of
                true -> [{mediaDescriptor, #'MediaDescriptor'{streams = {oneStream, local_sdp(Enc)}}}];
                false -> asn1_NOVALUE
            end,
    {addReply, #'AmmsReply'{terminationID = Tids, terminationAudit = Audit}};
reply({modReq, #'AmmRequest'{terminationID = T}}, _) -> {modReply, #'AmmsReply'{terminationID = T}};
reply({moveReq, #'AmmRequest'{terminationID = T}}, _) -> {moveReply, #'AmmsReply'{terminationID = T}};
reply({subtractReq, #'SubtractRequest'{terminationID = T}}, _) ->
    {subtractReply, #'AmmsReply'{terminationID = T}};
reply({auditValueRequest, #'AuditRequest'{terminationID = T}}, _) ->
    {auditValueReply, {auditResult, #'AuditResult'{terminationID = T, terminationAuditResult = []}}};
reply({notifyReq, #'NotifyRequest'{terminationID = T}}, _) -> {notifyReply, #'NotifyReply'{terminationID = T}};
reply({serviceChangeReq, #'ServiceChangeRequest'{terminationID = T}}, _) ->
    {serviceChangeReply, #'ServiceChangeReply'{terminationID = T,
        serviceChangeResult = {serviceChangeResParms, #'ServiceChangeResParm'{}}}};
reply(Other, _) ->
    {notifyReply, #'NotifyReply'{terminationID = [],
        errorDescriptor = #'ErrorDescriptor'{errorCode = 501, errorText = io_lib:format("~p", [element(1, Other)])}}}.

choose(#megaco_term_id{contains_wildcards = true}, _) ->
    #megaco_term_id{id = ["rtp", integer_to_list(erlang:unique_integer([positive, monotonic]))]};
choose(#'TerminationID'{wildcard = [_ | _]}, _) ->
    #'TerminationID'{wildcard = [], id = "rtp" ++ integer_to_list(erlang:unique_integer([positive, monotonic]) rem 10000)};
choose(T, _) -> T.

local_sdp(Enc) ->
    Name = fun(L) -> case Enc of
                         binary -> [0, 0, 16#b0, sdp_item(L)];
                         _ -> L
                     end end,
    #'StreamParms'{localDescriptor = #'LocalRemoteDescriptor'{propGrps = [[
        #'PropertyParm'{name = Name("v"), value = ["0"]},
        #'PropertyParm'{name = Name("c"), value = ["IN IP4 127.0.0.1"]},
        #'PropertyParm'{name = Name("m"), value = ["audio 20000 RTP/AVP 8"]}]]}}.

%% Annex C.11 SDP equivalents (the native pseudo-package items).
sdp_item("v") -> 16#01;
sdp_item("c") -> 16#08;
sdp_item("m") -> 16#0f.
