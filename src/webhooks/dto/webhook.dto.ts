import { Field, GraphQLISODateTime, ID, InputType, ObjectType } from '@nestjs/graphql';
import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsUrl, Matches } from 'class-validator';
import { WebhookEntity } from '../webhook.entity';

@ObjectType('Webhook')
export class WebhookDto {
  @ApiProperty({ format: 'uuid' })
  @Field(() => ID)
  id: string;

  @ApiProperty()
  @Field()
  url: string;

  @ApiProperty({ type: [String], example: ['run.succeeded', 'run.failed'] })
  @Field(() => [String])
  events: string[];

  @ApiProperty()
  @Field()
  active: boolean;

  @ApiProperty()
  @Field(() => GraphQLISODateTime)
  createdAt: Date;
}

export function toWebhookDto(row: WebhookEntity): WebhookDto {
  return { id: row.id, url: row.url, events: row.events, active: row.active, createdAt: row.createdAt };
}

@ObjectType('CreatedWebhook')
export class CreatedWebhookDto {
  @ApiProperty({ type: WebhookDto })
  @Field(() => WebhookDto)
  webhook: WebhookDto;

  @ApiProperty({ description: 'shown once; deliveries are signed with HMAC-SHA256 keyed by sha256(secret) in hex' })
  @Field()
  secret: string;
}

@InputType()
export class CreateWebhookInput {
  @ApiProperty({ example: 'https://ci.example.com/hooks/graftwork' })
  @Field()
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false }, { message: 'an http or https URL' })
  url: string;

  @ApiProperty({ type: [String], example: ['run.succeeded', 'run.*'] })
  @Field(() => [String])
  @IsArray()
  @ArrayMinSize(1, { message: 'at least one event name' })
  @ArrayMaxSize(50)
  @Matches(/^[a-z_]+(\.([a-z_]+|\*))*$/, { each: true, message: 'event names such as run.succeeded or run.*' })
  events: string[];
}
