#!/usr/bin/env escript
%% -*- erlang -*-
%%! -noshell +S 1 +sbwt none
-mode(compile).
%% Erlang/OTP megaco codec timings on the same messages as h248_bench, in the same run:
%% usage: otp_bench.escript DIR NAME... ; DIR holds NAME.compact, NAME.pretty, NAME.ber as
%% written by our encoders (mgc-tool). Each is decoded once by OTP to get its record, then
%% OTP's encode and decode are timed in a loop. BER uses OTP's native mode (records in Annex A
%% form, no name/termination-id translation), its fastest. Prints "NAME FORM enc|dec NS" lines
%% (CPU ns per call).
main([Dir | Names]) ->
    %% Text decoding uses OTP's flex scanner driver when present (its fastest text setup).
    Flex = case catch megaco_flex_scanner:start() of
               {ok, Port} -> [{flex, Port}];
               _ -> []
           end,
    Codecs = [{compact, megaco_compact_text_encoder, Flex},
              {pretty, megaco_pretty_text_encoder, Flex},
              {ber, megaco_ber_encoder, [native]}],
    [run(Dir, Name, C) || Name <- Names, C <- Codecs],
    ok.

run(Dir, Name, {Form, Mod, Conf}) ->
    File = filename:join(Dir, Name ++ "." ++ atom_to_list(Form)),
    {ok, Bin} = file:read_file(File),
    EncConf = [C || C <- Conf, not is_tuple(C) orelse element(1, C) =/= flex],
    case Mod:decode_message(Conf, dynamic, Bin) of
        {ok, Msg} ->
            V = element(2, element(3, Msg)),
            {ok, _} = Mod:encode_message(EncConf, V, Msg),
            N = 40000,
            Enc = time_loop(fun() -> {ok, _} = Mod:encode_message(EncConf, V, Msg) end, N),
            Dec = time_loop(fun() -> {ok, _} = Mod:decode_message(Conf, V, Bin) end, N),
            io:format("~s ~s enc ~B~n", [Name, Form, Enc]),
            io:format("~s ~s dec ~B~n", [Name, Form, Dec]);
        Err ->
            io:format(standard_error, "~s ~s: OTP cannot decode: ~p~n", [Name, Form, Err]),
            io:format("~s ~s enc -1~n~s ~s dec -1~n", [Name, Form, Name, Form])
    end.

%% CPU time per call, the minimum over 5 rounds of N calls (one scheduler, no busy waiting, so
%% the VM's runtime is this loop's; the minimum is the figure least disturbed by other load).
time_loop(F, N) ->
    loop(F, N div 10),
    lists:min([begin
                   statistics(runtime),
                   loop(F, N),
                   {_, Ms} = statistics(runtime),
                   Ms * 1000000 div N
               end || _ <- lists:seq(1, 5)]).

loop(_F, 0) -> ok;
loop(F, K) -> F(), loop(F, K - 1).
